package org.slapos.cache.api;

/** A network cache operation that did not succeed; {@link #code()} says why. */
public class CacheException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a cache operation failed. */
  public enum Code {
    /** The URLs (or the key and certificates) needed for this operation are not configured. */
    NOT_CONFIGURED,
    /** A blacklist or whitelist excludes this Software Release. */
    EXCLUDED,
    /** The directory has no entry, or no trusted and compatible one, for this key. */
    NOT_FOUND,
    /** An entry's signature does not verify with any trusted certificate. */
    UNTRUSTED,
    /** The downloaded bytes do not have the SHA-512 the entry announces. */
    CHECKSUM_MISMATCH,
    /** The tarball is malformed or has a member that would leave the target directory. */
    UNSAFE_ARCHIVE,
    /** The server could not be reached or answered with an unexpected status. */
    TRANSFER,
    /** A local file could not be read or written. */
    IO
  }

  private final Code code;

  public CacheException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public CacheException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
