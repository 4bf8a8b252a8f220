package org.slapos.supervisor.api;

import java.util.List;

/**
 * What the {@code slapos node supervisord} / {@code supervisorctl} commands need beyond {@link NodeSupervisor}.
 * <p>Provider type: the supervisor bundle implements it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface SupervisorConsole {

  /**
   * Runs supervisord with {@code --nodaemon} on the instance root's configuration until it exits
   * ({@code node supervisord -n}); unless it already answers on the socket, in which case this returns
   * at once.
   *
   * @return supervisord's exit code, 0 when it was already running
   */
  int runInForeground(SupervisorSettings settings) throws SupervisorException;

  /**
   * The command that runs the real supervisorctl on this instance root: the executable then
   * {@code -c <instance_root>/etc/supervisord.conf}; the caller appends supervisorctl's arguments.
   */
  List<String> supervisorctlCommand(SupervisorSettings settings);
}
