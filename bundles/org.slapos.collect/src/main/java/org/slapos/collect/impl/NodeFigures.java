package org.slapos.collect.impl;

import java.util.List;

/** The node's own figures for the {@code computer}, {@code system} and {@code disk} tables. */
record NodeFigures(int cores, long memoryTotal, double loadAverage, double cpuPercent, long memoryUsed,
    long memoryFree, long netInBytes, long netInErrors, long netInDropped, long netOutBytes, long netOutErrors,
    long netOutDropped, List<Disk> disks) {
  NodeFigures {
    disks = List.copyOf(disks);
  }

  /** A block device with its first mount point; sizes in bytes. */
  record Disk(String device, String mountPoint, long total, long used, long free) {
  }
}
