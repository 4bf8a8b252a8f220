package org.slapos.supervisor.api;

import java.util.List;

/**
 * The node supervisord (node-behavior §5.5): one per instance root, launched from the real
 * supervisord, driven through its XML-RPC interface on the unix socket.
 * <p>Provider type: the supervisor bundle implements it; {@code node instance}, {@code node report},
 * the supervisor commands and the daemon call it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface NodeSupervisor {
  /** Configuration PID of the implementation (supervisord executable, timeouts). */
  String PID = "org.slapos.supervisor";

  /**
   * Creates the instance root's {@code var}, {@code var/log}, {@code var/run}, {@code etc},
   * {@code etc/supervisord.conf.d} and writes {@code etc/supervisord.conf}, each only when its
   * content or mode differs.
   */
  void writeNodeConfiguration(SupervisorSettings settings) throws SupervisorException;

  /** Launches supervisord unless it already answers on the socket; returns once it is RUNNING. */
  void ensureRunning(SupervisorSettings settings) throws SupervisorException;

  /**
   * Writes the partition's program file from its {@code etc/run} and {@code etc/service}, makes
   * supervisord take the change (reload, remove/add groups) and starts the group.
   *
   * @return the names of the programs written, as supervisorctl shows them ({@code slappart0:web},
   *     {@code slappart0:x-on-watch}); empty when the partition has none
   */
  List<String> startPartition(SupervisorSettings settings, PartitionPrograms partition) throws SupervisorException;

  /**
   * Writes a manager group {@code <id>-<suffix>} (file {@code <id>-<suffix>.conf}) whose programs are
   * the entries of {@code programs} (e.g. the partition's {@code etc/prerm}), makes supervisord take
   * it, and starts the programs that were never started; a group with no entry is removed.
   *
   * @param suffix lower-case letters and digits, e.g. {@code prerm}
   * @return the supervisor names of the group's programs ({@code <id>-<suffix>:<name>})
   */
  List<String> startManagerGroup(SupervisorSettings settings, PartitionPrograms partition, String suffix,
      java.nio.file.Path programs) throws SupervisorException;

  /** Removes the partition's main program file and stops its group. */
  void stopPartition(SupervisorSettings settings, String partitionId) throws SupervisorException;

  /** Removes every program file of the partition ({@code <id>.conf}, {@code <id>-*.conf}), for destruction. */
  void removePartition(SupervisorSettings settings, String partitionId) throws SupervisorException;

  /** Starts every configured process without waiting (offline mode). */
  void startAll(SupervisorSettings settings) throws SupervisorException;

  /** Every process supervisord knows. */
  List<ProcessInfo> processes(SupervisorSettings settings) throws SupervisorException;

  /** Stops every process and supervisord itself. */
  void shutdown(SupervisorSettings settings) throws SupervisorException;
}
