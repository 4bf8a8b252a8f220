package org.slapos.promise.api;

/** The promises of a partition could not be run at all; the message is one line. */
public class PromiseException extends Exception {
  private static final long serialVersionUID = 1L;

  public PromiseException(String message) {
    super(message);
  }

  public PromiseException(String message, Throwable cause) {
    super(message, cause);
  }
}
