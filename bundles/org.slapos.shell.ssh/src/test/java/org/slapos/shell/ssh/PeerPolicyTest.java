package org.slapos.shell.ssh;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerPolicyTest {
  private static InetAddress address(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private static InetSocketAddress peer(String literal) throws Exception {
    return new InetSocketAddress(address(literal), 40000);
  }

  @Test
  void aLoopbackServerOnlyLetsLoopbackPeersIn() throws Exception {
    PeerPolicy policy = PeerPolicy.forBindAddresses(List.of(address("127.0.0.1")));
    assertTrue(policy.loopbackOnly());
    assertTrue(policy.allows(peer("127.0.0.1")));
    assertTrue(policy.allows(peer("127.1.2.3")));
    assertTrue(policy.allows(peer("::1")));
    assertFalse(policy.allows(peer("10.231.0.2")));
    assertFalse(policy.allows(peer("192.168.1.20")));
    assertFalse(policy.allows(peer("fd00::2")));
    assertFalse(policy.allows(peer("::ffff:10.0.0.1")));
    assertFalse(policy.allows(InetSocketAddress.createUnresolved("localhost", 40000)));
    assertFalse(policy.allows(null));
  }

  @Test
  void localhostResolvingToBothLoopbacksIsStillLoopbackOnly() throws Exception {
    PeerPolicy policy = PeerPolicy.forBindAddresses(List.of(address("127.0.0.1"), address("::1")));
    assertTrue(policy.loopbackOnly());
    assertFalse(policy.allows(peer("10.0.0.1")));
  }

  @Test
  void aWildcardOrNonLoopbackBindIsTheOperatorsChoiceToLetOthersIn() throws Exception {
    for (String bind : List.of("0.0.0.0", "::", "10.231.0.1")) {
      PeerPolicy policy = PeerPolicy.forBindAddresses(List.of(address(bind)));
      assertFalse(policy.loopbackOnly(), bind);
      assertTrue(policy.allows(peer("10.231.0.2")), bind);
      assertTrue(policy.allows(peer("127.0.0.1")), bind);
    }
  }

  @Test
  void aLoopbackAndANonLoopbackBindLetOthersIn() throws Exception {
    assertFalse(PeerPolicy.forBindAddresses(List.of(address("127.0.0.1"), address("10.0.0.1"))).loopbackOnly());
  }

  @Test
  void noBindAddressIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> PeerPolicy.forBindAddresses(List.of()));
  }
}
