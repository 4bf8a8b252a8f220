package org.slapos.supervisor.api;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The node's watchdog (node-behavior §5.8): a supervisord event listener that reports a crashing
 * {@code etc/service} program ({@code -on-watch}) to the master with {@code softwareInstanceBang}, at most
 * once per successful deployment of its partition.
 * <p>Provider type: the supervisor bundle implements it; {@code slapos node watchdog} calls it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface ProcessWatchdog {

  /**
   * Speaks supervisord's event-listener protocol: writes {@code READY}, reads one event (header line and
   * payload), handles it, acknowledges it, and so on until {@code events} ends.
   *
   * @throws SupervisorException when the stream is not the protocol (a header without {@code len}, a
   *     truncated payload) or cannot be written; a failed bang is only logged, as the original's would
   *     kill the listener
   */
  void listen(WatchdogSettings settings, InputStream events, OutputStream answers) throws SupervisorException;
}
