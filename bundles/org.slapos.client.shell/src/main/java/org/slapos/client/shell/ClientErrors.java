package org.slapos.client.shell;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slapos.command.api.CommandFailure;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.HttpError;
import org.slapos.slap.api.SlapException;

/**
 * Turns SLAP library failures into the one-line messages and exit code 1 of the original, where
 * the traceback ends with e.g. {@code HTTPError: 400 Client Error: BAD REQUEST for url: ...}.
 */
public final class ClientErrors {
  /** Werkzeug's reason phrases, which requests shows in its HTTPError message. */
  private static final Map<Integer, String> REASONS = Map.ofEntries(
      Map.entry(400, "BAD REQUEST"), Map.entry(401, "UNAUTHORIZED"), Map.entry(403, "FORBIDDEN"),
      Map.entry(404, "NOT FOUND"), Map.entry(405, "METHOD NOT ALLOWED"), Map.entry(408, "REQUEST TIMEOUT"),
      Map.entry(409, "CONFLICT"), Map.entry(410, "GONE"), Map.entry(412, "PRECONDITION FAILED"),
      Map.entry(413, "REQUEST ENTITY TOO LARGE"), Map.entry(415, "UNSUPPORTED MEDIA TYPE"),
      Map.entry(422, "UNPROCESSABLE ENTITY"), Map.entry(429, "TOO MANY REQUESTS"),
      Map.entry(500, "INTERNAL SERVER ERROR"), Map.entry(501, "NOT IMPLEMENTED"), Map.entry(502, "BAD GATEWAY"),
      Map.entry(503, "SERVICE UNAVAILABLE"), Map.entry(504, "GATEWAY TIMEOUT"));

  /** The message of the SLAP library's HttpError: {@code 400 Client Error: Bad Request for url: URL}. */
  private static final Pattern REQUESTS_MESSAGE =
      Pattern.compile("\\d{3} (?:Client|Server) Error: (.*?) for url: (.*)");

  private ClientErrors() {
  }

  /** A {@link CommandFailure} with exit code 1 and a one-line message naming the kind of failure. */
  public static CommandFailure failure(SlapException e) {
    return new CommandFailure(1, message(e), e);
  }

  static String message(SlapException e) {
    String detail = oneLine(e.getMessage());
    if (e instanceof HttpError http) {
      // requests' wording; the reason phrase as slapproxy (Werkzeug) sends it, which the tests of
      // the original look for ("HTTPError: 400 Client Error: BAD REQUEST").
      Matcher requestsStyle = REQUESTS_MESSAGE.matcher(detail);
      String reason = REASONS.getOrDefault(http.status(),
          requestsStyle.matches() ? requestsStyle.group(1).toUpperCase(Locale.ROOT) : "HTTP " + http.status());
      String summary = http.status() + (http.status() >= 500 ? " Server Error: " : " Client Error: ") + reason;
      if (requestsStyle.matches()) {
        return "HTTPError: " + summary + " for url: " + requestsStyle.group(2);
      }
      return "HTTPError: " + summary + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
    if (e instanceof ConnectionError) {
      return "ConnectionError: " + detail;
    }
    return e.getClass().getSimpleName() + (detail.isEmpty() ? "" : ": " + detail);
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
