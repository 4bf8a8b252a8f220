package org.slapos.master.api;

/**
 * One address of a partition.
 *
 * @param interfaceName the tap interface name, or the partition reference when it has no tap
 * @param address the IP address
 * @param netmask its netmask
 *     <p>Values come from the node's format; databases written by older versions may hold nulls.
 */
public record NetworkAddress(String interfaceName, String address, String netmask) {
}
