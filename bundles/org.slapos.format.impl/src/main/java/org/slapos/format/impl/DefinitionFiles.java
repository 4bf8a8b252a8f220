package org.slapos.format.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slapos.config.ConfigException;
import org.slapos.config.SlaposConfig;
import org.slapos.format.api.AddressDTO;
import org.slapos.format.api.ComputerDTO;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatException.Code;
import org.slapos.format.api.Ipv6RangeDTO;
import org.slapos.format.api.PartitionDTO;
import org.slapos.format.api.TapDTO;
import org.slapos.format.api.UserDTO;

/** Input ({@code -i}) and output ({@code -o}) definition files (INI, read without interpolation). */
final class DefinitionFiles {
  private DefinitionFiles() {
  }

  /** What an input definition file declares. */
  record Definition(String address, String netmask, String softwareUser, List<PartitionDTO> partitions) {
  }

  static Definition read(Path file, int partitionAmount, Path instanceRoot) throws FormatException {
    SlaposConfig ini;
    try {
      ini = SlaposConfig.parse(file);
    } catch (ConfigException e) {
      throw new FormatException(Code.STATE_FILE, "Cannot read definition file: " + e.getMessage(), e);
    }
    try {
      String address = null;
      String netmask = null;
      String computerAddress = ini.getRaw("computer", "address").orElse(null);
      if (computerAddress != null) {
        String[] parts = splitAddress(computerAddress, file, "computer");
        address = parts[0];
        netmask = parts[1];
      }
      String softwareUser = ini.getRaw("computer", "software_user")
          .or(() -> ini.getRaw(SlaposConfig.DEFAULT_SECTION, "software_user")).orElse("slapsoft");
      List<PartitionDTO> partitions = new ArrayList<>();
      for (int i = 0; i < partitionAmount; i++) {
        String section = "partition_" + i;
        if (!ini.hasSection(section)) {
          throw new FormatException(Code.STATE_FILE, "Definition file " + file + " has no [" + section + "] section");
        }
        PartitionDTO p = new PartitionDTO();
        p.reference = need(ini, file, section, "pathname");
        p.path = instanceRoot.resolve(p.reference).toString();
        p.user = new UserDTO();
        p.user.name = need(ini, file, section, "user");
        for (String a : need(ini, file, section, "address").trim().split("\\s+")) {
          if (!a.isEmpty()) {
            String[] parts = splitAddress(a, file, section);
            p.addresses.add(new AddressDTO(parts[0], parts[1]));
          }
        }
        String range = ini.getRaw(section, "ipv6_range").orElse(null);
        if (range != null && !range.isBlank()) {
          String[] parts = range.strip().split("/");
          if (parts.length != 2 || !IpMath.isIpv6(parts[0])) {
            throw new FormatException(Code.STATE_FILE, file + " [" + section + "] ipv6_range must be ADDR/LEN, got " + range);
          }
          Ipv6RangeDTO r = new Ipv6RangeDTO();
          r.addr = parts[0];
          r.prefixlen = Integer.parseInt(parts[1]);
          r.netmask = IpMath.netmaskIpv6(r.prefixlen);
          r.network = range.strip();
          p.ipv6Range = r;
        }
        p.tap = new TapDTO();
        p.tap.name = need(ini, file, section, "network_interface");
        String caps = ini.getRaw(section, "capability_list").orElse(null);
        if (caps != null) {
          p.capabilityList = new ArrayList<>();
          for (String c : caps.split("\n")) {
            if (!c.strip().isEmpty()) {
              p.capabilityList.add(c.strip());
            }
          }
        }
        partitions.add(p);
      }
      return new Definition(address, netmask, softwareUser, partitions);
    } catch (ConfigException | NumberFormatException e) {
      throw new FormatException(Code.STATE_FILE, "Cannot read definition file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String need(SlaposConfig ini, Path file, String section, String key) throws FormatException {
    return ini.getRaw(section, key).orElseThrow(
        () -> new FormatException(Code.STATE_FILE, "Definition file " + file + ": [" + section + "] has no " + key));
  }

  private static String[] splitAddress(String text, Path file, String section) throws FormatException {
    String[] parts = text.strip().split("/");
    if (parts.length != 2) {
      throw new FormatException(Code.STATE_FILE, file + " [" + section + "]: expected ADDRESS/NETMASK, got " + text);
    }
    return parts;
  }

  /** The output definition file, as RawConfigParser.write lays it out. */
  static String render(ComputerDTO computer) {
    StringBuilder out = new StringBuilder("[computer]\n");
    if (computer.address != null && computer.netmask != null) {
      out.append("address = ").append(computer.address).append('/').append(computer.netmask).append('\n');
    }
    out.append('\n');
    int i = 0;
    for (PartitionDTO p : computer.partitions) {
      out.append("[partition_").append(i++).append("]\n");
      List<String> addresses = new ArrayList<>();
      for (AddressDTO a : p.addresses) {
        addresses.add(a.addr + "/" + a.netmask);
      }
      out.append("address = ").append(String.join(" ", addresses)).append('\n');
      // The original reads ipv6_range['network'] unconditionally and fails without a range: the key
      // is left out instead.
      if (p.ipv6Range != null) {
        out.append("ipv6_range = ").append(p.ipv6Range.network).append('\n');
      }
      out.append("user = ").append(p.user.name).append('\n');
      out.append("network_interface = ").append(p.tap == null ? "" : p.tap.name).append('\n');
      out.append("pathname = ").append(p.reference).append('\n');
      out.append('\n');
    }
    return out.toString();
  }

  static void write(Path file, ComputerDTO computer) throws FormatException {
    try {
      StateFiles.writeAtomically(file, render(computer).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new FormatException(Code.STATE_FILE, "Cannot write definition file " + file + ": "
          + ExecSystemOperations.describe(e), e);
    }
  }
}
