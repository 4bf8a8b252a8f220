package org.slapos.supervisor.impl;

import java.io.InputStream;
import java.io.OutputStream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.SlapConnector;
import org.slapos.supervisor.api.ProcessWatchdog;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.WatchdogSettings;

/**
 * The {@link ProcessWatchdog} service: bangs through the SLAP client, authenticated with the partition's
 * certificate ({@code <repository>/<id>.crt} and {@code .key}) when a certificate repository is given.
 */
@Component(service = ProcessWatchdog.class)
public final class ProcessWatchdogComponent implements ProcessWatchdog {
  private final Watchdog watchdog;

  @Activate
  public ProcessWatchdogComponent(@Reference SlapConnector connector) {
    this.watchdog = new Watchdog((settings, partitionId, message) -> bang(connector, settings, partitionId, message));
  }

  static void bang(SlapConnector connector, WatchdogSettings settings, String partitionId, String message)
      throws Exception {
    ConnectionOptions.Builder options = ConnectionOptions.builder();
    if (settings.certificateRepository() != null) {
      options.certFile(settings.certificateRepository().resolve(partitionId + ".crt"))
          .keyFile(settings.certificateRepository().resolve(partitionId + ".key"));
    }
    connector.initializeConnection(settings.masterUrl(), options.build())
        .registerComputerPartition(settings.computerId(), partitionId)
        .bang(message);
  }

  @Override
  public void listen(WatchdogSettings settings, InputStream events, OutputStream answers) throws SupervisorException {
    watchdog.listen(settings, events, answers);
  }
}
