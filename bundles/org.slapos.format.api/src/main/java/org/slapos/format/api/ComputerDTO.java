package org.slapos.format.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The computer (node) as the state file and the master see it: the original's {@code Computer}
 * attributes, one field per dictionary key. Mutable data holder, not thread-safe.
 */
public class ComputerDTO {
  /** {@code reference}: the computer id. */
  public String reference;
  /** {@code address}, {@code netmask}: the node's IPv6 address, netmask in address form. */
  public String address;
  public String netmask;
  /** {@code interface}: null when no interface is used (definition file without network changes). */
  public InterfaceDTO networkInterface;
  /** {@code ipv6_interface} as configured (null when not set). */
  public String ipv6Interface;
  public boolean partitionHasIpv6Range;
  public String softwareUser;
  public String tapGatewayInterface;
  public boolean tapIpv6;
  public String instanceRoot;
  public String softwareRoot;
  public String instanceStorageHome;
  public String publicIpv4Address;
  public String osType;
  public String pythonVersion;
  public String slaposVersion;
  public List<PartitionDTO> partitions = new ArrayList<>();
}
