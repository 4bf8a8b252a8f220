package org.slapos.slap.api;

/** Base of every SLAP error (slapos.core's {@code SlapException}). */
public class SlapException extends Exception {
  private static final long serialVersionUID = 1L;

  public SlapException(String message) {
    super(message);
  }

  public SlapException(String message, Throwable cause) {
    super(message, cause);
  }
}
