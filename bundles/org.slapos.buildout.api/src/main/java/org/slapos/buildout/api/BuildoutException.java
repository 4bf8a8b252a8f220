package org.slapos.buildout.api;

/** Buildout could not be run at all, with a one-line message and what kind of failure it is. */
public class BuildoutException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Kinds of failure. */
  public enum Code {
    /** The configured buildout executable does not exist or is not executable. */
    EXECUTABLE,
    /** The directory or the profile does not exist or is not usable. */
    DIRECTORY,
    /** The account to run as is unknown. */
    UNKNOWN_USER,
    /** The account to run as is root (uid or gid 0): refused, as the original does. */
    UNSAFE_USER,
    /** The process could not be started. */
    LAUNCH,
    /** The calling thread was interrupted; the process tree was killed. */
    INTERRUPTED
  }

  private final Code code;

  public BuildoutException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public BuildoutException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
