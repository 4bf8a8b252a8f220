package org.slapos.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The HTML pages werkzeug (Flask's server) answers errors and redirects with, byte for byte. */
final class Pages {
  static final String NOT_FOUND = "The requested URL was not found on the server. If you entered the URL"
      + " manually please check your spelling and try again.";
  static final String BAD_REQUEST = "The browser (or proxy) sent a request that this server could not understand.";
  static final String METHOD_NOT_ALLOWED = "The method is not allowed for the requested URL.";
  static final String TOO_LARGE = "The data value transmitted exceeds the capacity limit.";
  static final String INTERNAL = "The server encountered an internal error and was unable to complete your"
      + " request. Either the server is overloaded or there is an error in the application.";

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(400, "Bad Request"),
      Map.entry(403, "Forbidden"),
      Map.entry(404, "Not Found"),
      Map.entry(405, "Method Not Allowed"),
      Map.entry(408, "Request Timeout"),
      Map.entry(409, "Conflict"),
      Map.entry(413, "Request Entity Too Large"),
      Map.entry(500, "Internal Server Error"),
      Map.entry(501, "Not Implemented"),
      Map.entry(502, "Bad Gateway"),
      Map.entry(503, "Service Unavailable"));

  private Pages() {
  }

  /** werkzeug's {@code HTTPException.get_body()}: the description is HTML-escaped, newlines become {@code <br>}. */
  static Reply error(int status, String description) {
    String name = NAMES.getOrDefault(status, "Error");
    String body = "<!doctype html>\n<html lang=en>\n<title>" + status + " " + escape(name) + "</title>\n<h1>"
        + escape(name) + "</h1>\n<p>" + escape(description).replace("\n", "<br>") + "</p>\n";
    return new Reply(status, Reply.HTML, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** werkzeug's {@code redirect()}: a short page and the Location header. */
  static Reply redirect(int status, String location) {
    String html = escape(location);
    String body = "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
        + "<p>You should be redirected automatically to the target URL: <a href=\"" + html + "\">" + html
        + "</a>. If not, click the link.\n";
    return new Reply(status, Reply.HTML, body.getBytes(StandardCharsets.UTF_8), Map.of("Location", location));
  }

  /** markupsafe's {@code escape}. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&#34;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
