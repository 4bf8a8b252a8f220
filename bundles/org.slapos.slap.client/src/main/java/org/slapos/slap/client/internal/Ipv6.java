package org.slapos.slap.client.internal;

/**
 * Strict IPv6 literal parsing and RFC 5952 formatting, without any name resolution
 * ({@code InetAddress.getByName} may hit DNS for anything that is not a literal).
 */
final class Ipv6 {

  private Ipv6() {
  }

  /**
   * The canonical text of an IPv6 literal (lower case, longest run of two or more zero groups as
   * {@code ::}, IPv4-mapped addresses dotted, like inet_ntop), or null when {@code text} is not one.
   */
  static String canonical(String text) {
    int[] words = parse(text);
    return words == null ? null : format(words);
  }

  static int[] parse(String text) {
    if (text == null || text.isEmpty() || text.indexOf(':') < 0) {
      return null;
    }
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return null;
    }
    String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
    String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
    // An embedded IPv4 address is only allowed as the very last part.
    int[] headWords = groups(head, doubleColon < 0);
    int[] tailWords = doubleColon >= 0 ? groups(tail, true) : new int[0];
    if (headWords == null || tailWords == null) {
      return null;
    }
    int count = headWords.length + tailWords.length;
    if (doubleColon < 0 ? count != 8 : count > 7) {
      return null;
    }
    int[] words = new int[8];
    System.arraycopy(headWords, 0, words, 0, headWords.length);
    System.arraycopy(tailWords, 0, words, 8 - tailWords.length, tailWords.length);
    return words;
  }

  /** Parses colon-separated hex groups; the last one may be a dotted IPv4 address when {@code last}. */
  private static int[] groups(String part, boolean last) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] items = part.split(":", -1);
    int extra = 0;
    if (last && items[items.length - 1].contains(".")) {
      extra = 1;
    }
    int[] words = new int[items.length + extra];
    for (int i = 0; i < items.length; i++) {
      String item = items[i];
      if (i == items.length - 1 && extra == 1) {
        int[] v4 = ipv4(item);
        if (v4 == null) {
          return null;
        }
        words[i] = v4[0];
        words[i + 1] = v4[1];
        continue;
      }
      if (item.isEmpty() || item.length() > 4) {
        return null;
      }
      int value = 0;
      for (int j = 0; j < item.length(); j++) {
        int digit = Character.digit(item.charAt(j), 16);
        if (digit < 0) {
          return null;
        }
        value = value * 16 + digit;
      }
      words[i] = value;
    }
    return words;
  }

  private static int[] ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    int[] bytes = new int[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      bytes[i] = Integer.parseInt(p);
      if (bytes[i] > 255) {
        return null;
      }
    }
    return new int[] {(bytes[0] << 8) | bytes[1], (bytes[2] << 8) | bytes[3]};
  }

  static String format(int[] words) {
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    if (bestLength < 2) {
      bestStart = -1;
    }
    // ::ffff:a.b.c.d and ::a.b.c.d print the IPv4 part dotted, as glibc's inet_ntop does.
    boolean dottedTail = bestStart == 0 && (bestLength == 6 || (bestLength == 5 && words[5] == 0xffff));
    StringBuilder out = new StringBuilder();
    int end = dottedTail ? 6 : 8;
    for (int i = 0; i < end; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        if (i >= end - 1 && !dottedTail) {
          break;
        }
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(words[i]));
    }
    if (dottedTail) {
      if (out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(words[6] >> 8).append('.').append(words[6] & 0xff).append('.')
          .append(words[7] >> 8).append('.').append(words[7] & 0xff);
    }
    return out.toString();
  }
}
