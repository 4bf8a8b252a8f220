package org.slapos.format.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatRequest;
import org.slapos.format.api.FormatResult;
import org.slapos.format.api.PartitionFormatter;

/** The {@link PartitionFormatter} service: the engine on the host's system, one run at a time. */
@Component(service = PartitionFormatter.class)
public final class PartitionFormatterComponent implements PartitionFormatter {
  /** The longest any one system command (useradd, ip...) may run. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

  private final FormatEngine engine;

  @Activate
  public PartitionFormatterComponent() {
    this.engine = new FormatEngine(() -> new ExecSystemOperations(null, COMMAND_TIMEOUT), EnvironmentInfo.ofThisMachine(),
        PartitionFormatterComponent::runningAsRoot, Clock.systemDefaultZone(), new SecureRandom());
  }

  /** Two formats at once would race on users and addresses: runs are serialised. */
  @Override
  public synchronized FormatResult format(FormatRequest request) throws FormatException {
    return engine.format(request);
  }

  /** The effective uid, as the owner of {@code /proc/self} (no native call needed). */
  static boolean runningAsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }
}
