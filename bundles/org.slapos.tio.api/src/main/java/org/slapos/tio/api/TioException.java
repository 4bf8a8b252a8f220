package org.slapos.tio.api;

/** A TIO document is invalid or cannot be built; the message is one line naming the problem. */
public class TioException extends Exception {
  private static final long serialVersionUID = 1L;

  public TioException(String message) {
    super(message);
  }

  public TioException(String message, Throwable cause) {
    super(message, cause);
  }
}
