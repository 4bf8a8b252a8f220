package org.slapos.format.api;

/** A failed format, with a one-line message and what kind of failure it is. */
public class FormatException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Kinds of failure; the command line maps them to exit codes. */
  public enum Code {
    /** Missing or malformed option, deprecated option, missing tool: the original's usage error. */
    USAGE,
    /** A value that parses but cannot be used (partition count lowered, prefixshift too small...). */
    CONFIGURATION,
    /** {@code root_check} is on and the process does not run as root. */
    NOT_ROOT,
    /** The state file or a definition file cannot be read or written. */
    STATE_FILE,
    /** An interface or address problem: no IPv6 on the interface, no free address... */
    NETWORK,
    /** A system command (useradd, ip...) failed. */
    SYSTEM_COMMAND,
    /** A directory or file of the node cannot be created or changed. */
    FILESYSTEM
  }

  private final Code code;

  public FormatException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public FormatException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
