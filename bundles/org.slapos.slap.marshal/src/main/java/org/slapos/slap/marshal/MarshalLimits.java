package org.slapos.slap.marshal;

/**
 * Bounds applied while unmarshalling, so that hostile or broken input fails fast instead of exhausting
 * memory or time.
 *
 * @param maxBytes    largest accepted document, in UTF-8 bytes
 * @param maxDepth    deepest accepted element nesting, the root element counting as 1
 * @param maxElements largest accepted number of elements in one document
 */
public record MarshalLimits(int maxBytes, int maxDepth, int maxElements) {

    /** 8 MiB, 256 levels, 2 000 000 elements: far above what a 1000-partition computer needs. */
    public static final MarshalLimits DEFAULT = new MarshalLimits(8 * 1024 * 1024, 256, 2_000_000);

    public MarshalLimits {
        if (maxBytes <= 0 || maxDepth <= 0 || maxElements <= 0) {
            throw new IllegalArgumentException("Marshal limits must be positive: maxBytes=" + maxBytes
                    + ", maxDepth=" + maxDepth + ", maxElements=" + maxElements);
        }
    }
}
