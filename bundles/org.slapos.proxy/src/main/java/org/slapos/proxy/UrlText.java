package org.slapos.proxy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** URL text helpers with Python's and werkzeug's semantics. */
final class UrlText {
  private UrlText() {
  }

  /**
   * An {@code application/x-www-form-urlencoded} text (body or query string) as werkzeug reads it:
   * pairs split on {@code &}, {@code +} is a space, {@code %XX} is decoded as UTF-8 (invalid
   * sequences are kept as is), a pair without {@code =} has an empty value; the first value of a
   * repeated key wins (as {@code request.form[key]}).
   */
  static Map<String, String> parseForm(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return fields;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      fields.putIfAbsent(decode(key, true), decode(value, true));
    }
    return fields;
  }

  /** Percent-decoding as UTF-8 (malformed bytes become U+FFFD); {@code plusIsSpace} for form data. */
  static String decode(String text, boolean plusIsSpace) {
    if (text.indexOf('%') < 0 && (!plusIsSpace || text.indexOf('+') < 0)) {
      return text;
    }
    // At most three bytes per UTF-16 unit; a plain array, as this runs for every field of every request.
    byte[] bytes = new byte[text.length() * 3];
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0
          && hex(text.charAt(i + 2)) >= 0) {
        bytes[length++] = (byte) (hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes[length++] = ' ';
      } else if (c < 0x80) {
        bytes[length++] = (byte) c;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
          encoded = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        System.arraycopy(encoded, 0, bytes, length, encoded.length);
        length += encoded.length;
      }
    }
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * Quotes a URL path part as werkzeug's URL building does: unreserved characters and
   * {@code !$&'()*+,/:;=@} are kept, everything else is percent-encoded as UTF-8.
   */
  static String quotePath(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~!$&'()*+,/:;=@".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }

  /** werkzeug's {@code iri_to_uri(safe_conversion=True)} for a Location: plain ASCII stays as is. */
  static String iriToUri(String location) {
    boolean plain = true;
    for (int i = 0; i < location.length(); i++) {
      char c = location.charAt(i);
      if (c <= ' ' || c >= 127) {
        plain = false;
        break;
      }
    }
    if (plain) {
      return location;
    }
    StringBuilder out = new StringBuilder();
    for (byte b : location.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= ' ' || c >= 127) {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  /** The parts of a URL as Python's {@code urllib.parse.urlparse} splits them. */
  record Parts(String scheme, String netloc, String path, String params, String query, String fragment) {
  }

  /** Python's {@code urlparse(url)} (scheme, netloc, path, params, query, fragment). */
  static Parts urlparse(String url) {
    String scheme = "";
    int colon = url.indexOf(':');
    if (colon > 0 && isAsciiLetter(url.charAt(0))) {
      boolean valid = true;
      for (int i = 0; i < colon; i++) {
        char c = url.charAt(i);
        if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
          valid = false;
          break;
        }
      }
      if (valid) {
        scheme = url.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        url = url.substring(colon + 1);
      }
    }
    String netloc = "";
    if (url.startsWith("//")) {
      int end = url.length();
      for (char delimiter : new char[] {'/', '?', '#'}) {
        int at = url.indexOf(delimiter, 2);
        if (at >= 0 && at < end) {
          end = at;
        }
      }
      netloc = url.substring(2, end);
      url = url.substring(end);
    }
    String fragment = "";
    int hash = url.indexOf('#');
    if (hash >= 0) {
      fragment = url.substring(hash + 1);
      url = url.substring(0, hash);
    }
    String query = "";
    int question = url.indexOf('?');
    if (question >= 0) {
      query = url.substring(question + 1);
      url = url.substring(0, question);
    }
    String params = "";
    if (USES_PARAMS.contains(scheme) && url.indexOf(';') >= 0) {
      int slash = url.lastIndexOf('/');
      int semicolon = url.indexOf(';', Math.max(slash, 0));
      if (slash < 0) {
        semicolon = url.indexOf(';');
      }
      if (semicolon >= 0) {
        params = url.substring(semicolon + 1);
        url = url.substring(0, semicolon);
      }
    }
    return new Parts(scheme, netloc, url, params, query, fragment);
  }

  private static final java.util.Set<String> USES_PARAMS = java.util.Set.of("", "ftp", "hdl", "prospero", "http",
      "imap", "https", "shttp", "rtsp", "rtspu", "sip", "sips", "mms", "sftp", "tel");

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Python's {@code urlunparse}/{@code geturl()} of the parts. */
  static String unparse(Parts p) {
    String url = p.path();
    if (!p.params().isEmpty()) {
      url = url + ";" + p.params();
    }
    if (!p.netloc().isEmpty() || (!p.scheme().isEmpty() && USES_NETLOC.contains(p.scheme()) && url.startsWith("//"))) {
      if (!url.isEmpty() && !url.startsWith("/")) {
        url = "/" + url;
      }
      url = "//" + p.netloc() + url;
    }
    if (!p.scheme().isEmpty()) {
      url = p.scheme() + ":" + url;
    }
    if (!p.query().isEmpty()) {
      url = url + "?" + p.query();
    }
    if (!p.fragment().isEmpty()) {
      url = url + "#" + p.fragment();
    }
    return url;
  }

  private static final java.util.Set<String> USES_NETLOC = java.util.Set.of("", "ftp", "http", "gopher", "nntp",
      "telnet", "imap", "wais", "file", "mms", "https", "shttp", "snews", "prospero", "rtsp", "rtspu", "rsync",
      "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss");
}
