package org.slapos.master.api;

import java.util.Objects;

/**
 * A software release supplied to a computer.
 *
 * @param url the software release URL (or local path)
 * @param computerId the computer
 * @param requestedState {@code available} or {@code destroyed}
 */
public record SoftwareInstallation(String url, String computerId, String requestedState) {
  /** The state of a release that must be installed. */
  public static final String AVAILABLE = "available";
  /** The state of a release that must be removed. */
  public static final String DESTROYED = "destroyed";

  public SoftwareInstallation {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(computerId, "computerId");
  }
}
