package org.slapos.supervisor.impl;

import java.io.PrintStream;
import java.nio.file.Path;
import org.slapos.slap.client.internal.HttpSlapConnector;
import org.slapos.supervisor.api.WatchdogSettings;

/**
 * The watchdog as a process of its own, for supervisord to run as its event listener in
 * {@link RealWatchdogTest}: what {@code slapos node watchdog} does, without the runtime around it.
 * Arguments: master URL, computer id, instance root.
 */
public final class WatchdogMain {
  private WatchdogMain() {
  }

  public static void main(String[] args) throws Exception {
    // stdout is the protocol: whatever logs must go to stderr.
    PrintStream protocol = System.out;
    System.setOut(System.err);
    HttpSlapConnector connector = new HttpSlapConnector();
    try {
      new Watchdog((settings, partition, message) -> ProcessWatchdogComponent.bang(connector, settings, partition, message))
          .listen(new WatchdogSettings(args[0], args[1], null, Path.of(args[2])), System.in, protocol);
    } finally {
      connector.deactivate();
    }
  }
}
