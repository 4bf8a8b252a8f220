package org.slapos.standalone;

/** A standalone data directory that cannot be used or prepared; the message is one line for the user. */
public final class LayoutException extends Exception {
  private static final long serialVersionUID = 1L;

  public LayoutException(String message) {
    super(message);
  }

  public LayoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
