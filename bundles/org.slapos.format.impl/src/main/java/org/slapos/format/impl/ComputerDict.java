package org.slapos.format.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slapos.format.api.AddressDTO;
import org.slapos.format.api.ComputerDTO;
import org.slapos.format.api.InterfaceDTO;
import org.slapos.format.api.Ipv6RangeDTO;
import org.slapos.format.api.PartitionDTO;
import org.slapos.format.api.TapDTO;
import org.slapos.format.api.TunDTO;
import org.slapos.format.api.UserDTO;

/**
 * The computer model as the original's {@code _getDict} gives it (the dictionary that is marshalled
 * into the state file, posted to the master and written as JSON), and back from a loaded state file.
 */
final class ComputerDict {
  private ComputerDict() {
  }

  static Map<String, Object> toDict(ComputerDTO c) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("address", c.address);
    d.put("instance_root", c.instanceRoot);
    d.put("instance_storage_home", c.instanceStorageHome);
    d.put("interface", c.networkInterface == null ? null : interfaceDict(c.networkInterface));
    d.put("ipv6_interface", c.ipv6Interface);
    d.put("netmask", c.netmask);
    d.put("os_type", c.osType);
    d.put("partition_has_ipv6_range", c.partitionHasIpv6Range);
    List<Object> partitions = new ArrayList<>();
    for (PartitionDTO p : c.partitions) {
      partitions.add(partitionDict(p));
    }
    d.put("partition_list", partitions);
    d.put("public_ipv4_address", c.publicIpv4Address);
    d.put("python_version", c.pythonVersion);
    d.put("reference", c.reference);
    d.put("slapos_version", c.slaposVersion);
    d.put("software_root", c.softwareRoot);
    d.put("software_user", c.softwareUser);
    d.put("tap_gateway_interface", c.tapGatewayInterface);
    d.put("tap_ipv6", c.tapIpv6);
    return d;
  }

  private static Map<String, Object> interfaceDict(InterfaceDTO i) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("ipv4_local_network", i.ipv4LocalNetwork);
    d.put("ipv6_interface", i.ipv6Interface);
    d.put("ipv6_prefixshift", i.ipv6Prefixshift);
    d.put("name", i.name);
    return d;
  }

  static Map<String, Object> partitionDict(PartitionDTO p) {
    Map<String, Object> d = new LinkedHashMap<>();
    List<Object> addresses = new ArrayList<>();
    for (AddressDTO a : p.addresses) {
      Map<String, Object> ad = new LinkedHashMap<>();
      ad.put("addr", a.addr);
      ad.put("netmask", a.netmask);
      addresses.add(ad);
    }
    d.put("address_list", addresses);
    if (p.capabilityList != null) {
      d.put("capability_list", new ArrayList<Object>(p.capabilityList));
    }
    d.put("external_storage_list", new ArrayList<Object>(p.externalStorageList));
    Map<String, Object> range = new LinkedHashMap<>();
    if (p.ipv6Range != null) {
      range.put("addr", p.ipv6Range.addr);
      range.put("netmask", p.ipv6Range.netmask);
      range.put("network", p.ipv6Range.network);
      range.put("prefixlen", p.ipv6Range.prefixlen);
    }
    d.put("ipv6_range", range);
    d.put("path", p.path);
    d.put("reference", p.reference);
    d.put("tap", p.tap == null ? null : tapDict(p.tap));
    d.put("tun", p.tun == null ? null : tapDict(p.tun));
    d.put("user", p.user == null ? null : userDict(p.user));
    return d;
  }

  private static Map<String, Object> tapDict(TapDTO t) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("ipv4_addr", t.ipv4Addr);
    d.put("ipv4_gateway", t.ipv4Gateway);
    d.put("ipv4_netmask", t.ipv4Netmask);
    d.put("ipv4_network", t.ipv4Network);
    d.put("ipv6_addr", t.ipv6Addr);
    d.put("ipv6_gateway", t.ipv6Gateway);
    d.put("ipv6_netmask", t.ipv6Netmask);
    d.put("ipv6_network", t.ipv6Network);
    d.put("name", t.name);
    return d;
  }

  private static Map<String, Object> userDict(UserDTO u) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("additional_group_list", u.additionalGroupList == null ? null : new ArrayList<Object>(u.additionalGroupList));
    d.put("name", u.name);
    d.put("path", u.path);
    d.put("shell", u.shell);
    return d;
  }

  // ------------------------------------------------------------------ loading a state file

  /** A state file as {@code Computer.load} reads it: only the parts it keeps. */
  record Stored(String address, String netmask, String softwareUser, String softwareRoot, String instanceRoot,
      List<Map<String, Object>> partitions) {
  }

  @SuppressWarnings("unchecked")
  static Stored stored(Object loaded) {
    if (!(loaded instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("the state file does not hold a dictionary");
    }
    Map<String, Object> d = (Map<String, Object>) map;
    if (!d.containsKey("partition_list") || !(d.get("partition_list") instanceof List<?>)) {
      throw new IllegalArgumentException("the state file has no partition_list");
    }
    List<Map<String, Object>> partitions = new ArrayList<>();
    for (Object p : (List<Object>) d.get("partition_list")) {
      if (!(p instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("a partition of the state file is not a dictionary");
      }
      partitions.add((Map<String, Object>) p);
    }
    return new Stored(str(d.get("address")), str(d.get("netmask")),
        d.containsKey("software_user") ? str(d.get("software_user")) : "slapsoft",
        str(d.get("software_root")), str(d.get("instance_root")), partitions);
  }

  /** Rebuilds a partition from its stored dictionary, as {@code Computer.load} does. */
  @SuppressWarnings("unchecked")
  static PartitionDTO partition(Map<String, Object> d) {
    PartitionDTO p = new PartitionDTO();
    p.reference = str(d.get("reference"));
    p.path = str(d.get("path"));
    if (p.reference == null || p.reference.isEmpty()) {
      throw new IllegalArgumentException("a partition of the state file has no reference");
    }
    UserDTO user = new UserDTO();
    Object u = d.get("user");
    user.name = u instanceof Map<?, ?> um && um.get("name") != null ? str(um.get("name")) : "root";
    p.user = user;
    TapDTO tap = new TapDTO();
    Object t = d.get("tap");
    if (t instanceof Map<?, ?> tm && !tm.isEmpty()) {
      tap.name = str(tm.get("name"));
      tap.ipv4Addr = strOrEmpty(tm.get("ipv4_addr"));
      tap.ipv4Netmask = strOrEmpty(tm.get("ipv4_netmask"));
      tap.ipv4Gateway = strOrEmpty(tm.get("ipv4_gateway"));
      tap.ipv4Network = strOrEmpty(tm.get("ipv4_network"));
      tap.ipv6Addr = strOrEmpty(tm.get("ipv6_addr"));
      tap.ipv6Netmask = strOrEmpty(tm.get("ipv6_netmask"));
      tap.ipv6Gateway = strOrEmpty(tm.get("ipv6_gateway"));
      tap.ipv6Network = strOrEmpty(tm.get("ipv6_network"));
    } else {
      tap.name = p.reference;
    }
    p.tap = tap;
    Object tun = d.get("tun");
    if (tun instanceof Map<?, ?> tm) {
      TunDTO x = new TunDTO();
      x.name = str(tm.get("name"));
      x.ipv4Addr = strOrEmpty(tm.get("ipv4_addr"));
      x.ipv4Netmask = strOrEmpty(tm.get("ipv4_netmask"));
      x.ipv4Network = strOrEmpty(tm.get("ipv4_network"));
      x.ipv6Addr = strOrEmpty(tm.get("ipv6_addr"));
      x.ipv6Netmask = strOrEmpty(tm.get("ipv6_netmask"));
      x.ipv6Network = strOrEmpty(tm.get("ipv6_network"));
      p.tun = x;
    }
    Object list = d.get("address_list");
    if (list instanceof List<?> l) {
      for (Object a : l) {
        if (a instanceof Map<?, ?> am) {
          p.addresses.add(new AddressDTO(str(am.get("addr")), str(am.get("netmask"))));
        }
      }
    }
    Object range = d.get("ipv6_range");
    if (range instanceof Map<?, ?> rm && !rm.isEmpty()) {
      Ipv6RangeDTO r = new Ipv6RangeDTO();
      r.addr = str(rm.get("addr"));
      r.netmask = str(rm.get("netmask"));
      r.network = str(rm.get("network"));
      r.prefixlen = rm.get("prefixlen") instanceof Number n ? n.intValue() : IpMath.prefixOfIpv6Netmask(r.netmask);
      p.ipv6Range = r;
    }
    Object caps = d.get("capability_list");
    if (caps instanceof List<?> cl) {
      p.capabilityList = new ArrayList<>();
      for (Object c : cl) {
        p.capabilityList.add(str(c));
      }
    }
    return p;
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static String strOrEmpty(Object o) {
    return o == null ? "" : o.toString();
  }
}
