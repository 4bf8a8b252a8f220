package org.slapos.format.impl;

import java.math.BigInteger;
import java.util.Locale;

/**
 * IPv4 and IPv6 arithmetic with the original's conventions: glibc {@code inet_ntop} text form,
 * netmasks in address form, and the partition/range derivation of {@code slapos.util}.
 */
final class IpMath {
  static final BigInteger ALL_ONES_128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private IpMath() {
  }

  /** An address (or range) with its prefix length. */
  record Prefixed(String addr, int prefixlen) {
  }

  // ---------------------------------------------------------------- IPv6 text

  static boolean isIpv6(String text) {
    try {
      parseIpv6(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Parses an IPv6 literal (no zone, no prefix). */
  static BigInteger parseIpv6(String text) {
    if (text == null || text.isEmpty() || text.contains("%") || text.contains("/")) {
      throw new IllegalArgumentException("not an IPv6 address: " + text);
    }
    String s = text;
    int[] tail = null;
    int lastColon = s.lastIndexOf(':');
    if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
      long v4 = parseIpv4(s.substring(lastColon + 1));
      tail = new int[] {(int) (v4 >>> 16), (int) (v4 & 0xffff)};
      s = s.substring(0, lastColon + 1) + "0:0";
    }
    int doubleColon = s.indexOf("::");
    if (doubleColon != s.lastIndexOf("::")) {
      throw new IllegalArgumentException("not an IPv6 address: " + text);
    }
    String[] head;
    String[] rest;
    if (doubleColon >= 0) {
      head = splitGroups(s.substring(0, doubleColon), text);
      rest = splitGroups(s.substring(doubleColon + 2), text);
      if (head.length + rest.length > 7) {
        throw new IllegalArgumentException("not an IPv6 address: " + text);
      }
    } else {
      head = splitGroups(s, text);
      rest = new String[0];
      if (head.length != 8) {
        throw new IllegalArgumentException("not an IPv6 address: " + text);
      }
    }
    int[] groups = new int[8];
    for (int i = 0; i < head.length; i++) {
      groups[i] = group(head[i], text);
    }
    for (int i = 0; i < rest.length; i++) {
      groups[8 - rest.length + i] = group(rest[i], text);
    }
    if (tail != null) {
      groups[6] = tail[0];
      groups[7] = tail[1];
    }
    BigInteger value = BigInteger.ZERO;
    for (int g : groups) {
      value = value.shiftLeft(16).or(BigInteger.valueOf(g));
    }
    return value;
  }

  private static String[] splitGroups(String part, String text) {
    if (part.isEmpty()) {
      return new String[0];
    }
    return part.split(":", -1);
  }

  private static int group(String g, String text) {
    if (g.isEmpty() || g.length() > 4) {
      throw new IllegalArgumentException("not an IPv6 address: " + text);
    }
    for (int i = 0; i < g.length(); i++) {
      if (Character.digit(g.charAt(i), 16) < 0) {
        throw new IllegalArgumentException("not an IPv6 address: " + text);
      }
    }
    return Integer.parseInt(g, 16);
  }

  /** The text form glibc's {@code inet_ntop} (hence Python) gives. */
  static String formatIpv6(BigInteger value) {
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = value.shiftRight(16 * (7 - i)).intValue() & 0xffff;
    }
    int bestBase = -1;
    int bestLen = 0;
    for (int i = 0; i < 8;) {
      if (w[i] == 0) {
        int j = i;
        while (j < 8 && w[j] == 0) {
          j++;
        }
        if (j - i > bestLen) {
          bestBase = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    if (bestLen < 2) {
      bestBase = -1;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
        if (i == bestBase) {
          sb.append(':');
        }
        continue;
      }
      if (i != 0) {
        sb.append(':');
      }
      if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
        sb.append(w[6] >> 8).append('.').append(w[6] & 0xff).append('.').append(w[7] >> 8).append('.')
            .append(w[7] & 0xff);
        return sb.toString();
      }
      sb.append(Integer.toHexString(w[i]));
    }
    if (bestBase >= 0 && bestBase + bestLen == 8) {
      sb.append(':');
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  /** Normalises an IPv6 text form ({@code 2001:DB8:0::1} gives {@code 2001:db8::1}). */
  static String normalizeIpv6(String text) {
    return formatIpv6(parseIpv6(text));
  }

  static BigInteger maskIpv6(int prefixlen) {
    return ALL_ONES_128.shiftRight(prefixlen).xor(ALL_ONES_128);
  }

  /** {@code netmaskFromLenIPv6}: 64 gives {@code ffff:ffff:ffff:ffff::}. */
  static String netmaskIpv6(int prefixlen) {
    return formatIpv6(maskIpv6(prefixlen));
  }

  /**
   * {@code lenNetmaskIpv6}: the prefix length of a netmask in address form, or of a
   * {@code netmask/len} text.
   */
  static int prefixOfIpv6Netmask(String netmask) {
    String text = netmask;
    int slash = text.indexOf('/');
    if (slash >= 0) {
      return Integer.parseInt(text.substring(slash + 1));
    }
    BigInteger value = parseIpv6(text);
    int len = 0;
    for (int bit = 127; bit >= 0 && value.testBit(bit); bit--) {
      len++;
    }
    return len;
  }

  static boolean sameNetwork(String a, String b, int prefixlen) {
    BigInteger mask = maskIpv6(prefixlen);
    return parseIpv6(a).and(mask).equals(parseIpv6(b).and(mask));
  }

  /** {@code isGlobalScopeAddress} for IPv6: not link-local, loopback, reserved or multicast. */
  static boolean isGlobalScopeIpv6(String addr) {
    BigInteger v = parseIpv6(addr);
    int top16 = v.shiftRight(112).intValue();
    if (v.equals(BigInteger.ONE)) {
      return false;
    }
    if ((top16 & 0xffc0) == 0xfe80) { // fe80::/10
      return false;
    }
    if ((top16 & 0xff00) == 0xff00) { // multicast
      return false;
    }
    // netaddr's IPV6_RESERVED: everything outside 2000::/3 and fc00::/7 except fe80::/9 (handled)
    // and ff00::/8; i.e. ::/3 (minus nothing), 4000::/2, 8000::/2, c000::/3, e000::/4, f000::/5,
    // f800::/6, fe00::/9.
    int top3 = top16 >>> 13;
    if (top3 == 0b001) { // 2000::/3 global unicast
      return true;
    }
    if ((top16 & 0xfe00) == 0xfc00) { // fc00::/7 unique local
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- derivation (slapos.util)

  /** {@code getPartitionIpv6Addr}: prefix + (i + 2), wrapping around in small networks. */
  static Prefixed partitionAddress(String baseAddr, int prefixlen, int index) {
    int remaining = 128 - prefixlen;
    BigInteger prefix = parseIpv6(baseAddr).and(maskIpv6(prefixlen));
    long suffix = index + 2L;
    if (64 - Long.numberOfLeadingZeros(suffix) > remaining) {
      if (remaining >= 2) {
        suffix = (index % ((1L << remaining) - 2)) + 2;
      } else {
        suffix = suffix & ((1L << remaining) - 1);
      }
    }
    return new Prefixed(formatIpv6(prefix.or(BigInteger.valueOf(suffix))), prefixlen);
  }

  /** Which of the original's three range families. */
  enum RangeKind {
    /** {@code getPartitionIpv6Range}: field {@code (1 << (n-2)) + i + 1}, zeros. */
    PARTITION(1, false),
    /** {@code getTapIpv6Range}: field {@code (2 << (n-2)) + i + 1}, ones. */
    TAP(2, true),
    /** {@code getTunIpv6Range}: field {@code (3 << (n-2)) + i + 1}, zeros. */
    TUN(3, false);

    final int k;
    final boolean ones;

    RangeKind(int k, boolean ones) {
      this.k = k;
      this.ones = ones;
    }
  }

  /**
   * The deterministic range of partition {@code index} from base {@code baseAddr/prefixlen} and
   * {@code prefixshift}.
   *
   * @throws IllegalArgumentException when {@code prefixlen + prefixshift >= 128}
   */
  static Prefixed range(RangeKind kind, String baseAddr, int prefixlen, int index, int prefixshift) {
    int newLen = prefixlen + prefixshift;
    if (newLen >= 128) {
      throw new IllegalArgumentException("The IPv6 range has prefixlen " + newLen
          + " which is too big for generating IPv6 range for partitions.");
    }
    BigInteger prefix = parseIpv6(baseAddr).and(maskIpv6(prefixlen));
    BigInteger field = BigInteger.valueOf(kind.k).shiftLeft(prefixshift - 2).add(BigInteger.valueOf(index + 1L));
    // zfill(n): a field wider than n bits pushes into the prefix, as the Python string concatenation
    // would make the address longer than 128 bits; the checks before (2^n >= 4 * amount) avoid it.
    BigInteger value = prefix.or(field.shiftLeft(128 - newLen));
    if (kind.ones) {
      value = value.or(ALL_ONES_128.shiftRight(newLen));
    }
    return new Prefixed(formatIpv6(value.and(ALL_ONES_128)), newLen);
  }

  /** {@code getIpv6RangeFirstAddr}: the range's prefix with the last bit set ({@code ...::1}). */
  static String firstAddress(String addr, int prefixlen) {
    return formatIpv6(parseIpv6(addr).and(maskIpv6(prefixlen)).or(BigInteger.ONE));
  }

  /** The canonical network text {@code addr/len} of the range containing addr. */
  static String ipv6Network(String addr, int prefixlen) {
    return formatIpv6(parseIpv6(addr).and(maskIpv6(prefixlen))) + "/" + prefixlen;
  }

  // ---------------------------------------------------------------- IPv4

  static boolean isIpv4(String text) {
    try {
      parseIpv4(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static long parseIpv4(String text) {
    if (text == null) {
      throw new IllegalArgumentException("not an IPv4 address: null");
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + text);
    }
    long value = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      int octet = Integer.parseInt(p);
      if (octet > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      value = (value << 8) | octet;
    }
    return value;
  }

  static String formatIpv4(long value) {
    return ((value >>> 24) & 0xff) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
  }

  static long maskIpv4(int prefixlen) {
    return prefixlen == 0 ? 0 : (0xffffffffL << (32 - prefixlen)) & 0xffffffffL;
  }

  static String netmaskIpv4(int prefixlen) {
    return formatIpv4(maskIpv4(prefixlen));
  }

  /** The prefix length of a dotted netmask; a non-contiguous mask is an error. */
  static int prefixOfIpv4Netmask(String netmask) {
    long value = parseIpv4(netmask);
    int len = 0;
    for (int bit = 31; bit >= 0 && ((value >>> bit) & 1) == 1; bit--) {
      len++;
    }
    if (maskIpv4(len) != value) {
      throw new IllegalArgumentException("not a contiguous netmask: " + netmask);
    }
    return len;
  }

  /** An IPv4 network in CIDR form: its first address and prefix length. */
  record Ipv4Network(long network, int prefixlen) {
    boolean contains(long address) {
      return (address & maskIpv4(prefixlen)) == network;
    }

    long size() {
      return 1L << (32 - prefixlen);
    }

    @Override
    public String toString() {
      return formatIpv4(network) + "/" + prefixlen;
    }
  }

  /**
   * Parses {@code a.b.c.d/len} (or a single address, as /32). Host bits are cleared, as netaddr's
   * {@code glob_to_iprange(cidr_to_glob(...))} does.
   */
  static Ipv4Network parseIpv4Network(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty IPv4 network");
    }
    String t = text.strip();
    int slash = t.indexOf('/');
    long addr = parseIpv4(slash < 0 ? t : t.substring(0, slash));
    int len = 32;
    if (slash >= 0) {
      String l = t.substring(slash + 1);
      if (l.contains(".")) {
        len = prefixOfIpv4Netmask(l);
      } else {
        if (l.isEmpty() || l.length() > 2 || !l.chars().allMatch(Character::isDigit)) {
          throw new IllegalArgumentException("bad prefix length in " + text);
        }
        len = Integer.parseInt(l);
        if (len > 32) {
          throw new IllegalArgumentException("bad prefix length in " + text);
        }
      }
    }
    return new Ipv4Network(addr & maskIpv4(len), len);
  }
}
