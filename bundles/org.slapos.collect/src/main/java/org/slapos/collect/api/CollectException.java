package org.slapos.collect.api;

/** A collect pass that could not complete; {@link #code()} says why. */
public class CollectException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a pass failed. */
  public enum Code {
    /** The processes of another user cannot be read: the pass must run as root. */
    ACCESS_DENIED,
    /** A directory, journal or archive could not be written. */
    IO,
    /** The collector database could not be opened or written. */
    DATABASE
  }

  private final Code code;

  public CollectException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
