package org.slapos.proxy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP response, independent of the servlet API.
 *
 * @param status the status code
 * @param contentType the Content-Type header
 * @param body the body bytes
 * @param headers other headers
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
  /** The content type of every classic slapproxy answer, success or error (Flask's default). */
  static final String HTML = "text/html; charset=utf-8";
  static final String JSON = "application/json";

  static Reply text(String body) {
    return new Reply(200, HTML, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static Reply json(int status, byte[] body) {
    return new Reply(status, JSON, body, Map.of());
  }

  Reply withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Reply(status, contentType, body, copy);
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
