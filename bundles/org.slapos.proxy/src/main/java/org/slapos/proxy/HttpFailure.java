package org.slapos.proxy;

/** An HTTP error answer with its message (shown in werkzeug's error page). */
final class HttpFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  HttpFailure(int status, String message) {
    super(message);
    this.status = status;
  }

  HttpFailure(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  int status() {
    return status;
  }

  static HttpFailure badRequest(String message) {
    return new HttpFailure(400, message);
  }

  static HttpFailure notFound(String message) {
    return new HttpFailure(404, message);
  }
}
