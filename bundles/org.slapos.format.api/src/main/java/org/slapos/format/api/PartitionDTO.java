package org.slapos.format.api;

import java.util.ArrayList;
import java.util.List;

/** One computer partition: directory, user, addresses, IPv6 range, tap and tun. */
public class PartitionDTO {
  public String reference;
  public String path;
  public UserDTO user;
  public List<AddressDTO> addresses = new ArrayList<>();
  /** Null when the partition has no range (serialised as an empty dictionary, as the original). */
  public Ipv6RangeDTO ipv6Range;
  public TapDTO tap;
  /** Null unless tuns are created. */
  public TunDTO tun;
  public List<String> externalStorageList = new ArrayList<>();
  /** Only from a definition file; null means "not declared" (the key is then absent). */
  public List<String> capabilityList;
}
