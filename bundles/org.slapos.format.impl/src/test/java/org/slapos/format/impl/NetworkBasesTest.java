package org.slapos.format.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Network.Bases} chooses exactly as {@link Network#preferred}, only faster. */
class NetworkBasesTest {

  @Test
  void choosesAsPreferredDoes() {
    Random random = new Random(11);
    BigInteger prefix = IpMath.parseIpv6("2001:db8::");
    for (int round = 0; round < 50; round++) {
      List<IpMath.Prefixed> list = new ArrayList<>();
      int size = 1 + random.nextInt(30);
      for (int i = 0; i < size; i++) {
        BigInteger value = prefix.or(BigInteger.valueOf(random.nextInt(4)).shiftLeft(64))
            .or(BigInteger.valueOf(1 + random.nextInt(1000)));
        int[] lengths = {48, 64, 80};
        list.add(new IpMath.Prefixed(IpMath.formatIpv6(value), lengths[random.nextInt(lengths.length)]));
      }
      Network.Bases bases = new Network.Bases(list);
      List<String> asked = new ArrayList<>();
      asked.add(null);
      asked.add("10.0.0.1");
      asked.add("fd00::1");
      for (int i = 0; i < 10; i++) {
        asked.add(IpMath.formatIpv6(prefix.or(BigInteger.valueOf(random.nextInt(5)).shiftLeft(64))
            .or(BigInteger.valueOf(random.nextInt(2000)))));
      }
      for (String preferred : asked) {
        assertEquals(Network.preferred(list, preferred), bases.preferred(preferred), list + " preferring " + preferred);
        assertEquals(Network.preferred(list, preferred), bases.preferred(preferred), "asked again");
      }
    }
  }

  @Test
  void anEmptyListHasNoBase() {
    assertNull(new Network.Bases(List.of()).preferred(null));
    assertNull(new Network.Bases(List.of()).preferred("2001:db8::1"));
  }
}
