package org.slapos.cache.api;

/**
 * One shadir entry for a Software Release binary.
 *
 * @param softwareUrl the Software Release URL it was built from
 * @param softwareRoot the software root it was built in (binaries hold absolute paths)
 * @param os the system it was built on
 * @param sha512 the SHA-512 (hex) of the tarball in shacache
 * @param trusted whether its signature verifies with a trusted certificate
 * @param rawEntry the signed JSON text, exactly as stored
 */
public record CacheEntry(String softwareUrl, String softwareRoot, OsSignature os, String sha512,
    boolean trusted, String rawEntry) {
}
