package org.slapos.slap.api;

/** The master could not be reached: refused connection, timeout or TLS failure. */
public class ConnectionError extends SlapException {
  private static final long serialVersionUID = 1L;

  public ConnectionError(String message) {
    super(message);
  }

  public ConnectionError(String message, Throwable cause) {
    super(message, cause);
  }
}
