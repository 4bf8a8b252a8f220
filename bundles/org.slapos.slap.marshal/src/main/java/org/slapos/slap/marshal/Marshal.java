package org.slapos.slap.marshal;

/**
 * The {@code xml_marshaller} format that SLAP uses on the wire ({@code <marshal>…</marshal>}),
 * byte-compatible with xml_marshaller 1.x on Python 3 behind slapos' safe (un)marshaller.
 *
 * <p>Value model, both directions:
 * <ul>
 * <li>{@code null} = None; {@link Boolean} = bool;</li>
 * <li>{@link Long} = int ({@link Integer}, {@link Short}, {@link Byte} accepted when writing);
 *     {@link java.math.BigInteger} = int, written as {@code <long>} only from Python's 1e24 on;
 *     reading gives a {@code Long} when the value fits, a {@code BigInteger} otherwise;</li>
 * <li>{@link Double} = float ({@link Float} accepted when writing);</li>
 * <li>{@link String} = str ({@code byte[]} accepted when writing, as UTF-8);</li>
 * <li>{@link java.util.List} = list; {@link PyTuple} = tuple; {@link java.util.Map} = dict (read into a
 *     {@link java.util.LinkedHashMap} in document order, written with keys sorted as Python sorts them);
 *     {@link java.util.Set} = set;</li>
 * <li>{@link SlapObject} = one of the four {@code slapos.slap.slap} classes. Any other object is refused
 *     both ways, as slapos refuses it.</li>
 * </ul>
 * A list, dictionary, set or object met again (same Java instance) is written as a
 * {@code <reference>}, and a reference is read back as the very same Java instance.
 */
public final class Marshal {

    private Marshal() {
    }

    /**
     * The marshal XML for {@code value}: no XML declaration, no whitespace, ASCII only (other characters
     * as decimal references). Encode it as UTF-8 (or ASCII) to put it on the wire.
     *
     * @throws MarshalException for an unsupported type or a character XML cannot carry
     */
    public static String dumps(Object value) {
        return MarshalEncoder.encode(value);
    }

    /**
     * Reads marshal XML with {@link MarshalLimits#DEFAULT}.
     *
     * @throws MarshalException for malformed, hostile or unsupported input
     */
    public static Object loads(String xml) {
        return loads(xml, MarshalLimits.DEFAULT);
    }

    /**
     * Reads marshal XML from bytes (UTF-8 unless the XML declaration says otherwise) with
     * {@link MarshalLimits#DEFAULT}.
     *
     * @throws MarshalException for malformed, hostile or unsupported input
     */
    public static Object loads(byte[] xml) {
        return MarshalDecoder.decode(xml, MarshalLimits.DEFAULT);
    }

    /**
     * Reads marshal XML within the given limits. Objects are rebuilt as Python rebuilds them: the
     * attributes the constructor derives from the argument tuple, then every state entry on top.
     *
     * @throws MarshalException for malformed, hostile or unsupported input
     */
    public static Object loads(String xml, MarshalLimits limits) {
        return MarshalDecoder.decode(xml, limits);
    }
}
