package org.slapos.supervisor.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the node supervisord lives and how it is started.
 *
 * @param instanceRoot {@code [slapos] instance_root}: holds {@code etc/supervisord.conf},
 *     {@code etc/supervisord.conf.d/}, {@code var/log}, {@code var/run} and the socket
 * @param watchdogCommand the {@code [eventlistener:watchdog]} command line (node-behavior §5.8);
 *     empty for none ({@code node supervisord} writes an empty one, as the original)
 */
public record SupervisorSettings(Path instanceRoot, String watchdogCommand) {

  public SupervisorSettings {
    Objects.requireNonNull(instanceRoot, "instanceRoot");
    watchdogCommand = watchdogCommand == null ? "" : watchdogCommand;
  }

  /** The control socket: {@code <instance_root>/sv.sock}, or the legacy {@code supervisord.socket} when present. */
  public Path socket() {
    Path legacy = instanceRoot.resolve("supervisord.socket");
    return java.nio.file.Files.exists(legacy) ? legacy : instanceRoot.resolve("sv.sock");
  }

  public Path configurationFile() {
    return instanceRoot.resolve("etc/supervisord.conf");
  }

  public Path programDirectory() {
    return instanceRoot.resolve("etc/supervisord.conf.d");
  }
}
