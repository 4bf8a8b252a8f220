package org.slapos.master.store.sqlite;

import java.time.Instant;

/**
 * Timestamps of the store ({@code time.time()} in slapproxy), strictly increasing so that two
 * changes within one clock tick still differ (slapgrid compares them for equality). Used inside
 * writes only, that is on the writer thread.
 */
final class Clock {
  private double last;

  /** Now, in seconds since the epoch; strictly greater than any timestamp issued before. */
  double next() {
    Instant now = Instant.now();
    double t = now.getEpochSecond() + now.getNano() / 1e9;
    if (t <= last) {
      t = Math.nextUp(last);
    }
    last = t;
    return t;
  }
}
