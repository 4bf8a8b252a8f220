package org.slapos.slap.api;

/**
 * The master answered with an error status that has no more specific meaning
 * (Python raises {@code requests.HTTPError} there). Carries the status and body.
 */
public class HttpError extends SlapException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String body;

  public HttpError(int status, String message, String body) {
    super(message);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  /** The response body, possibly truncated by the client. */
  public String body() {
    return body;
  }
}
