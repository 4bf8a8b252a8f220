package org.slapos.grid.api;

import java.util.function.Consumer;

/**
 * Reports usage and destroys partitions ({@code slapos node report}, node-behavior §6.1): runs the
 * partitions' {@code etc/report} scripts, sends the usage files found in {@code var/xml_report} and
 * the journal built from them with {@code useComputer}, then destroys the partitions the master
 * requested {@code destroyed} ({@code sbin/destroy}, certificates, directory emptied, supervisor files
 * removed, {@code destroyedComputerPartition}) so that the master can allocate them again.
 * <p>Provider type: the report bundle implements it; the command and the daemon call it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface PartitionReporter {
  /**
   * Runs once over the master's partition list.
   *
   * @param progress receives human-readable progress lines (script failed, partition destroyed...)
   * @throws GridException when the run cannot take place (no instance root, the master cannot be
   *     reached for the partition list, the node supervisord cannot be prepared)
   */
  ReportRun run(ReportRunRequest request, Consumer<String> progress) throws GridException;
}
