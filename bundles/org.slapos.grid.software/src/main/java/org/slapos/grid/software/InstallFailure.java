package org.slapos.grid.software;

import java.time.Duration;

/** Installing one release failed; the message is what the master receives as the error log. */
final class InstallFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Duration buildoutTime;

  InstallFailure(String message) {
    this(message, Duration.ZERO);
  }

  InstallFailure(String message, Duration buildoutTime) {
    super(message);
    this.buildoutTime = buildoutTime;
  }

  Duration buildoutTime() {
    return buildoutTime == null ? Duration.ZERO : buildoutTime;
  }
}
