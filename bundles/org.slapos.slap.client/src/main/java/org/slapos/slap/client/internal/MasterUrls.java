package org.slapos.slap.client.internal;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pure functions on master URLs: the IPv6 bracket rule, the base URL and path joining (protocol §1.1). */
final class MasterUrls {

  // scheme ":" "//" netloc rest; netloc stops at the first '/', '?' or '#', as in urlsplit.
  private static final Pattern WITH_NETLOC = Pattern.compile("^([A-Za-z][A-Za-z0-9+.\\-]*)://([^/?#]*)(.*)$", Pattern.DOTALL);

  private MasterUrls() {
  }

  /**
   * Adds brackets around a bare IPv6 host, as slapos.util._addIpv6Brackets does: the whole netloc is
   * tried as an address first, and only then everything before the last ':' (the rest being the port).
   * So {@code http://fe80::1:5000/} becomes {@code http://[fe80::1:5000]/}. Anything else is returned as is.
   */
  static String addIpv6Brackets(String url) {
    Matcher m = WITH_NETLOC.matcher(url);
    if (!m.matches()) {
      return url;
    }
    String netloc = m.group(2);
    String port = null;
    String address = Ipv6.canonical(netloc);
    if (address == null) {
      int colon = netloc.lastIndexOf(':');
      if (colon < 0) {
        return url;
      }
      address = Ipv6.canonical(netloc.substring(0, colon));
      if (address == null) {
        return url;
      }
      port = netloc.substring(colon + 1);
    }
    String bracketed = "[" + address + "]" + (port == null || port.isEmpty() ? "" : ":" + port);
    return m.group(1) + "://" + bracketed + m.group(3);
  }

  /** The base every relative call path is joined to: brackets added and a trailing '/' so that urljoin keeps the last segment. */
  static String baseUrl(String masterUrl) {
    String url = addIpv6Brackets(masterUrl);
    return url.endsWith("/") ? url : url + "/";
  }

  /** urljoin(base, path): a relative path extends the base, a path starting with '/' resolves against the server root. */
  static URI resolve(String base, String path) {
    return URI.create(base).resolve(path);
  }

  static boolean isHttps(String url) {
    // Python tests url.startswith('https'); a case-insensitive scheme check is the sane equivalent.
    return url.regionMatches(true, 0, "https", 0, 5);
  }
}
