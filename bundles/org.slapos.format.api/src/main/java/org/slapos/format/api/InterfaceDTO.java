package org.slapos.format.api;

/** {@code interface}: the interface receiving the partitions' addresses. */
public class InterfaceDTO {
  public String name;
  public String ipv4LocalNetwork;
  /** The IPv6 base interface: {@code ipv6_interface} or, when not set, {@link #name}. */
  public String ipv6Interface;
  public int ipv6Prefixshift;
}
