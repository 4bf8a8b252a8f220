package org.slapos.slap.client.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of one call, in the order the Python client puts them in its dict: that order is what
 * goes on the wire, so it is kept explicitly. Values may be null (Python {@code None}).
 */
final class Form {

  private final List<String> names = new ArrayList<>();
  private final List<String> values = new ArrayList<>();

  static Form of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must come in pairs");
    }
    Form form = new Form();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      form.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return form;
  }

  Form add(String name, String value) {
    names.add(name);
    values.add(value);
    return this;
  }

  boolean isEmpty() {
    return names.isEmpty();
  }

  /**
   * A POST body. requests' ConnectionHelper turns None into the string "None" before encoding, for
   * slapproxies older than 1.3.3.
   */
  String encodeBody() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        out.append('&');
      }
      String value = values.get(i);
      out.append(quotePlus(names.get(i))).append('=').append(quotePlus(value == null ? "None" : value));
    }
    return out.toString();
  }

  /** A query string. requests drops None-valued query parameters altogether. */
  String encodeQuery() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      String value = values.get(i);
      if (value == null) {
        continue;
      }
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(quotePlus(names.get(i))).append('=').append(quotePlus(value));
    }
    return out.toString();
  }

  /** The fields as sent in a POST body (None already replaced by "None"), e.g. for a not-ready partition's {@code _request_dict}. */
  Map<String, Object> asPostedMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      map.put(names.get(i), values.get(i) == null ? "None" : values.get(i));
    }
    return map;
  }

  /** The fields with their raw values (null kept), in order: what Python prints as the params dict. */
  Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      map.put(names.get(i), values.get(i));
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * urllib.parse.quote_plus with UTF-8: letters, digits and {@code _.-~} stay, a space becomes '+',
   * everything else is %XX with upper-case hex. (java.net.URLEncoder differs on '*' and '~'.)
   */
  static String quotePlus(String text) {
    return quote(text, true);
  }

  /** urllib.parse.quote(text, safe=''): like {@link #quotePlus} but a space becomes %20. */
  static String quote(String text, boolean spaceAsPlus) {
    return quote(text, spaceAsPlus, "");
  }

  static String quote(String text, boolean spaceAsPlus, String safe) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '-' || c == '~' || (c < 0x80 && safe.indexOf(c) >= 0)) {
        out.append((char) c);
      } else if (c == ' ' && spaceAsPlus) {
        out.append('+');
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
