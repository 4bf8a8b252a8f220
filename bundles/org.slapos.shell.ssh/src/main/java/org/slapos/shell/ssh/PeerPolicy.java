package org.slapos.shell.ssh;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collection;

/**
 * The second guard behind the bind address: a server bound only to loopback addresses also
 * refuses any peer that is not on loopback (a peer can still reach a loopback socket through
 * routing tricks or a proxy in another namespace). Binding a non-loopback or wildcard address is
 * the operator's explicit choice to let other peers in.
 */
final class PeerPolicy {
  private final boolean loopbackOnly;

  private PeerPolicy(boolean loopbackOnly) {
    this.loopbackOnly = loopbackOnly;
  }

  /** The policy for a server listening on {@code bindAddresses} (all the addresses its host resolves to). */
  static PeerPolicy forBindAddresses(Collection<InetAddress> bindAddresses) {
    if (bindAddresses.isEmpty()) {
      throw new IllegalArgumentException("no bind address");
    }
    return new PeerPolicy(bindAddresses.stream().allMatch(InetAddress::isLoopbackAddress));
  }

  boolean loopbackOnly() {
    return loopbackOnly;
  }

  /** Whether a connection from {@code peer} may start an SSH session. */
  boolean allows(SocketAddress peer) {
    if (!loopbackOnly) {
      return true;
    }
    return peer instanceof InetSocketAddress inet && inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
  }
}
