package org.slapos.slap.api;

/** The client certificate or key could not be used. */
public class AuthenticationError extends SlapException {
  private static final long serialVersionUID = 1L;

  public AuthenticationError(String message) {
    super(message);
  }

  public AuthenticationError(String message, Throwable cause) {
    super(message, cause);
  }
}
