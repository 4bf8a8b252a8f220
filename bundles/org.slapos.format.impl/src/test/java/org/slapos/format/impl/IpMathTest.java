package org.slapos.format.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpMathTest {

  /** node-behavior.md §3.5: the table for 2001:db8:1:2::1/64, partition 0. */
  @Test
  void derivationTableOfTheOriginal() {
    String base = "2001:db8:1:2::1";
    assertEquals(new IpMath.Prefixed("2001:db8:1:2::2", 64), IpMath.partitionAddress(base, 64, 0));
    assertEquals(new IpMath.Prefixed("2001:db8:1:2:4001::", 80), IpMath.range(IpMath.RangeKind.PARTITION, base, 64, 0, 16));
    IpMath.Prefixed tap = IpMath.range(IpMath.RangeKind.TAP, base, 64, 0, 16);
    assertEquals(new IpMath.Prefixed("2001:db8:1:2:8001:ffff:ffff:ffff", 80), tap);
    assertEquals("2001:db8:1:2:8001::1", IpMath.firstAddress(tap.addr(), 80));
    IpMath.Prefixed tun = IpMath.range(IpMath.RangeKind.TUN, base, 64, 0, 16);
    assertEquals("2001:db8:1:2:c001::1", IpMath.firstAddress(tun.addr(), tun.prefixlen()));
    assertEquals(new IpMath.Prefixed("2001:db8:1:2:4003::", 80), IpMath.range(IpMath.RangeKind.PARTITION, base, 64, 2, 16));
    assertEquals("2001:db8:1:2::5", IpMath.partitionAddress(base, 64, 3).addr());
  }

  /** The wire sample's partition 0: fd5a:1ab0:5eed::1/64 gives ...::2 and the range ...:0:4001::/80. */
  @Test
  void wireSampleAddresses() {
    assertEquals("fd5a:1ab0:5eed::2", IpMath.partitionAddress("fd5a:1ab0:5eed::1", 64, 0).addr());
    assertEquals("fd5a:1ab0:5eed:0:4001::", IpMath.range(IpMath.RangeKind.PARTITION, "fd5a:1ab0:5eed::1", 64, 0, 16).addr());
    assertEquals("ffff:ffff:ffff:ffff:ffff::", IpMath.netmaskIpv6(80));
    assertEquals("ffff:ffff:ffff:ffff::", IpMath.netmaskIpv6(64));
  }

  @Test
  void smallNetworksWrapAround() {
    // /126: 2 free bits, addresses cycle over ::2 and ::3
    assertEquals("2001:db8::2", IpMath.partitionAddress("2001:db8::1", 126, 0).addr());
    assertEquals("2001:db8::3", IpMath.partitionAddress("2001:db8::1", 126, 1).addr());
    assertEquals("2001:db8::2", IpMath.partitionAddress("2001:db8::1", 126, 2).addr());
    // /128: no free bit, every partition gets the base address
    for (int i = 0; i < 4; i++) {
      assertEquals("2001:db8::1", IpMath.partitionAddress("2001:db8::1", 128, i).addr());
    }
    // /96 with prefixshift 16 gives distinct /112 ranges
    Set<String> ranges = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      IpMath.Prefixed r = IpMath.range(IpMath.RangeKind.PARTITION, "2001:db8::1", 96, i, 16);
      assertEquals(112, r.prefixlen());
      ranges.add(r.addr());
    }
    assertEquals(10, ranges.size());
  }

  @Test
  void rangeTooSmallIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IpMath.range(IpMath.RangeKind.PARTITION, "2001:db8::1", 112, 0, 16));
    assertTrue(e.getMessage().contains("too big for generating IPv6 range"), e.getMessage());
  }

  @Test
  void textFormIsGlibcs() {
    assertEquals("::1", IpMath.normalizeIpv6("0:0:0:0:0:0:0:1"));
    assertEquals("::", IpMath.normalizeIpv6("0::0"));
    assertEquals("2001:db8::1", IpMath.normalizeIpv6("2001:DB8:0:0:0::1"));
    assertEquals("2001:db8:0:1:0:0:0:1".replace(":0:0:0:", "::"), IpMath.normalizeIpv6("2001:db8:0:1:0:0:0:1"));
    assertEquals("1:0:1:1:1:1:1:1", IpMath.normalizeIpv6("1:0:1:1:1:1:1:1"));
    assertEquals("1::1:0:0:1", IpMath.normalizeIpv6("1:0:0:1:0:0:0:1".replace("1:0:0:1:0:0:0:1", "1:0:0:0:1:0:0:1")));
    assertEquals("::ffff:1.2.3.4", IpMath.normalizeIpv6("::ffff:102:304"));
    assertEquals("fd5a:1ab0:5eed:0:4001::", IpMath.normalizeIpv6("fd5a:1ab0:5eed:0:4001:0:0:0"));
    assertFalse(IpMath.isIpv6("1:2:3"));
    assertFalse(IpMath.isIpv6("1::2::3"));
    assertFalse(IpMath.isIpv6("12345::"));
    assertFalse(IpMath.isIpv6("10.0.0.1"));
  }

  @Test
  void netmasksAndScopes() {
    assertEquals(64, IpMath.prefixOfIpv6Netmask("ffff:ffff:ffff:ffff::"));
    assertEquals(64, IpMath.prefixOfIpv6Netmask("ffff:ffff:ffff:ffff::/64"));
    assertEquals(128, IpMath.prefixOfIpv6Netmask("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    assertTrue(IpMath.isGlobalScopeIpv6("fd5a:1ab0:5eed::1"));
    assertTrue(IpMath.isGlobalScopeIpv6("2001:db8::1"));
    assertFalse(IpMath.isGlobalScopeIpv6("::1"));
    assertFalse(IpMath.isGlobalScopeIpv6("fe80::1"));
    assertFalse(IpMath.isGlobalScopeIpv6("ff02::1"));
    assertEquals(24, IpMath.prefixOfIpv4Netmask("255.255.255.0"));
    assertThrows(IllegalArgumentException.class, () -> IpMath.prefixOfIpv4Netmask("255.0.255.0"));
  }

  @Test
  void ipv4Networks() {
    IpMath.Ipv4Network n = IpMath.parseIpv4Network("10.0.5.7/16");
    assertEquals("10.0.0.0/16", n.toString());
    assertEquals(65536, n.size());
    assertTrue(n.contains(IpMath.parseIpv4("10.0.255.1")));
    assertFalse(n.contains(IpMath.parseIpv4("10.1.0.1")));
    assertEquals("10.0.0.0/24", IpMath.parseIpv4Network("10.0.0.0/255.255.255.0").toString());
    for (String bad : new String[] {"10.0.0/8", "10.0.0.0/33", "10.0.0.256/8", "abc", "10.0.0.0/"}) {
      assertThrows(IllegalArgumentException.class, () -> IpMath.parseIpv4Network(bad), bad);
    }
  }
}
