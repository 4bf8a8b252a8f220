package org.slapos.slap.api;

/** The master does not know the object (HTTP 404), or a local lookup failed. */
public class NotFoundError extends SlapException {
  private static final long serialVersionUID = 1L;

  public NotFoundError(String message) {
    super(message);
  }

  public NotFoundError(String message, Throwable cause) {
    super(message, cause);
  }
}
