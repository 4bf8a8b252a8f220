package org.slapos.format.api;

/** A tap interface and its routed addresses; empty strings where nothing is assigned. */
public class TapDTO {
  public String name;
  public String ipv4Addr = "";
  public String ipv4Netmask = "";
  public String ipv4Gateway = "";
  public String ipv4Network = "";
  public String ipv6Addr = "";
  public String ipv6Netmask = "";
  public String ipv6Gateway = "";
  public String ipv6Network = "";
}
