package org.slapos.format.api;

import java.util.Objects;

/** An address and its netmask in address form ({@code 255.255.255.255}, {@code ffff:ffff:ffff:ffff::}). */
public class AddressDTO {
  public String addr;
  public String netmask;

  public AddressDTO() {
  }

  public AddressDTO(String addr, String netmask) {
    this.addr = addr;
    this.netmask = netmask;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressDTO a && Objects.equals(addr, a.addr) && Objects.equals(netmask, a.netmask);
  }

  @Override
  public int hashCode() {
    return Objects.hash(addr, netmask);
  }

  @Override
  public String toString() {
    return addr + "/" + netmask;
  }
}
