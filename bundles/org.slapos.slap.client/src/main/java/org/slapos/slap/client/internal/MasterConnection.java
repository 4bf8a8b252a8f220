package org.slapos.slap.client.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Map;

import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.HttpError;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.ServerError;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.Unauthorized;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP calls to one master (slapos.core's ConnectionHelper): path joining, form encoding, the headers
 * the Python client sends, and the mapping of statuses and transport failures to SLAP exceptions.
 */
final class MasterConnection {

  static final String USER_AGENT = "slapos.core/1.24.0";
  private static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";
  private static final int MAX_ERROR_BODY = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(MasterConnection.class);

  private final String baseUrl;
  private final Transport transport;

  MasterConnection(String masterUrl, Transport transport) {
    this.baseUrl = MasterUrls.baseUrl(masterUrl);
    this.transport = transport;
  }

  String baseUrl() {
    return baseUrl;
  }

  Transport transport() {
    return transport;
  }

  /** GET {@code path} relative to the master URL, fields in the query string. */
  String get(String path, Form params) throws SlapException {
    return call("GET", path, params, null, Map.of());
  }

  /** POST {@code path} relative to the master URL, fields form-encoded in the body. */
  String post(String path, Form data) throws SlapException {
    return call("POST", path, null, data, Map.of());
  }

  /** GET an absolute URL (HATEOAS links) with the same transport, headers and error mapping. */
  String getAbsolute(String url, Map<String, String> headers) throws SlapException {
    return call("GET", url, null, null, headers);
  }

  private String call(String method, String path, Form params, Form data, Map<String, String> headers)
      throws SlapException {
    URI resolved;
    try {
      resolved = MasterUrls.resolve(baseUrl, MasterUrls.addIpv6Brackets(path));
    } catch (IllegalArgumentException e) {
      throw new SlapException("Invalid URL " + baseUrl + " + " + path + ": " + e.getMessage(), e);
    }
    String url = resolved.toString();
    // ResourceNotReady carries the path without its leading '/', as in Python.
    String relativePath = path.startsWith("/") ? path.substring(1) : path;
    String target = url;
    if (params != null && !params.isEmpty()) {
      String query = params.encodeQuery();
      if (!query.isEmpty()) {
        target = url + (resolved.getRawQuery() == null ? "?" : "&") + query;
      }
    }
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(target));
    } catch (IllegalArgumentException e) {
      throw new SlapException("Invalid URL " + target + ": " + e.getMessage(), e);
    }
    request.timeout(transport.timeout())
        .header("Accept", "*/*")
        .header("User-agent", USER_AGENT);
    headers.forEach(request::header);
    if ("POST".equals(method)) {
      request.header("Content-type", FORM_CONTENT_TYPE)
          .POST(HttpRequest.BodyPublishers.ofString(data == null ? "" : data.encodeBody(), StandardCharsets.UTF_8));
    } else {
      request.GET();
    }
    HttpClient client = transport.clientFor(target);
    long start = System.nanoTime();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      LOG.debug("{} {} failed after {} ms: {}", method, target, elapsedMillis(start), e.toString());
      throw connectionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectionError("Interrupted while calling " + target, e);
    }
    int status = response.statusCode();
    LOG.debug("{} {} -> {} in {} ms", method, target, status, elapsedMillis(start));
    String body = decode(response);
    if (status < 400) {
      return body;
    }
    throw statusError(status, url, relativePath, params, target, body);
  }

  private static long elapsedMillis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  static ConnectionError connectionError(IOException e) {
    return new ConnectionError("Couldn't connect to the server. Please double check given master-url argument, "
        + "and make sure that IPv6 is enabled on your machine and that the server is available. "
        + "The original error was:\n" + e, e);
  }

  /**
   * 404 and 408 as in Python; where Python lets requests.HTTPError through, a typed HttpError
   * (Unauthorized for 401/403, ServerError for 5xx) with requests' message.
   */
  static SlapException statusError(int status, String url, String path, Form params, String target, String body) {
    if (status == 404) {
      String message = url;
      if (params != null && !params.isEmpty()) {
        message += " - " + Wire.repr(params.asMap());
      }
      return new NotFoundError(message);
    }
    if (status == 408) {
      // The master's "not allocated yet", not a real timeout.
      return new ResourceNotReady(path);
    }
    String kind = status >= 500 ? "Server Error" : "Client Error";
    String message = status + " " + kind + ": " + reason(status) + " for url: " + target;
    String shortBody = body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) : body;
    if (status == 401 || status == 403) {
      return new Unauthorized(status, message, shortBody);
    }
    if (status >= 500) {
      return new ServerError(status, message, shortBody);
    }
    return new HttpError(status, message, shortBody);
  }

  /** requests' Response.text: the charset of Content-Type, ISO-8859-1 for text/* without one, else UTF-8. */
  static String decode(HttpResponse<byte[]> response) {
    byte[] bytes = response.body() == null ? new byte[0] : response.body();
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    return new String(bytes, charsetOf(contentType));
  }

  static Charset charsetOf(String contentType) {
    if (contentType == null) {
      return StandardCharsets.UTF_8;
    }
    for (String part : contentType.split(";")) {
      String p = part.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
        String name = p.substring("charset=".length()).trim().replace("\"", "").replace("'", "");
        try {
          return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
          return StandardCharsets.UTF_8;
        }
      }
    }
    return contentType.trim().toLowerCase(Locale.ROOT).startsWith("text/")
        ? StandardCharsets.ISO_8859_1
        : StandardCharsets.UTF_8;
  }

  private static String reason(int status) {
    switch (status) {
      case 400: return "Bad Request";
      case 401: return "Unauthorized";
      case 402: return "Payment Required";
      case 403: return "Forbidden";
      case 405: return "Method Not Allowed";
      case 406: return "Not Acceptable";
      case 409: return "Conflict";
      case 410: return "Gone";
      case 411: return "Length Required";
      case 412: return "Precondition Failed";
      case 413: return "Payload Too Large";
      case 414: return "URI Too Long";
      case 415: return "Unsupported Media Type";
      case 418: return "I'm a teapot";
      case 422: return "Unprocessable Entity";
      case 429: return "Too Many Requests";
      case 500: return "Internal Server Error";
      case 501: return "Not Implemented";
      case 502: return "Bad Gateway";
      case 503: return "Service Unavailable";
      case 504: return "Gateway Timeout";
      default: return "HTTP " + status;
    }
  }
}
