package org.slapos.master.api;

import java.util.Objects;

/**
 * A registered computer.
 *
 * @param reference the computer id
 * @param address its address, may be null
 * @param netmask its netmask, may be null
 */
public record ComputerRecord(String reference, String address, String netmask) {
  public ComputerRecord {
    Objects.requireNonNull(reference, "reference");
  }
}
