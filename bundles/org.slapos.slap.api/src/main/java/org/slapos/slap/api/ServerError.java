package org.slapos.slap.api;

/** HTTP 5xx: the master failed. slapgrid retries on its next run. */
public class ServerError extends HttpError {
  private static final long serialVersionUID = 1L;

  public ServerError(int status, String message, String body) {
    super(status, message, body);
  }
}
