package org.slapos.format.api;

/** A routed IPv6 range: first address, netmask, {@code addr/prefixlen} network and prefix length. */
public class Ipv6RangeDTO {
  public String addr;
  public String netmask;
  public String network;
  public int prefixlen;
}
