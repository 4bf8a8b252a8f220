package org.slapos.slap.api;

/** HTTP 401 or 403: the caller may not do this. */
public class Unauthorized extends HttpError {
  private static final long serialVersionUID = 1L;

  public Unauthorized(int status, String message, String body) {
    super(status, message, body);
  }
}
