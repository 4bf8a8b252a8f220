package org.slapos.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request, independent of the servlet API.
 *
 * @param method the HTTP method, upper case
 * @param path the decoded path, from the context root, starting with {@code /}
 * @param query the raw query string (percent-encoded), or null
 * @param body the request body (already bounded)
 * @param headers header values by lower-case name
 * @param scheme the scheme the request came in with ({@code http} or {@code https})
 * @param serverHost the host name the server answered on, used when there is no Host header
 * @param serverPort the port the server answered on
 */
record Exchange(String method, String path, String query, byte[] body, Map<String, List<String>> headers,
    String scheme, String serverHost, int serverPort) {

  Exchange {
    TreeMap<String, List<String>> copy = new TreeMap<>();
    headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    headers = copy;
  }

  /** The first value of a header, or null. */
  String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The scheme clients used: {@code X-Forwarded-Proto} (one trusted hop, as werkzeug's ProxyFix) or the request's. */
  String externalScheme() {
    String forwarded = lastForwarded("x-forwarded-proto");
    return forwarded != null ? forwarded : scheme;
  }

  /** The path prefix clients used ({@code X-Forwarded-Prefix}), without trailing slash; empty for none. */
  String externalPrefix() {
    String prefix = lastForwarded("x-forwarded-prefix");
    if (prefix == null) {
      return "";
    }
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return prefix;
  }

  private String lastForwarded(String name) {
    String value = header(name);
    if (value == null) {
      return null;
    }
    String[] parts = value.split(",");
    String last = parts[parts.length - 1].strip();
    return last.isEmpty() ? null : last;
  }

  /** The host (and port) clients used: the Host header without a default port, as werkzeug does. */
  String host() {
    String host = header("host");
    if (host == null || host.isEmpty()) {
      host = serverHost + ":" + serverPort;
    }
    String s = externalScheme();
    if (s.equals("http") && host.endsWith(":80")) {
      return host.substring(0, host.length() - 3);
    }
    if (s.equals("https") && host.endsWith(":443")) {
      return host.substring(0, host.length() - 4);
    }
    return host;
  }

  /** {@code scheme://host/}, as werkzeug's {@code request.host_url}. */
  String hostUrl() {
    return externalScheme() + "://" + host() + "/";
  }
}
