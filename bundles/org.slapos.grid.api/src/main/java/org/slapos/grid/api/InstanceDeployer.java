package org.slapos.grid.api;

import java.util.function.Consumer;

/**
 * Deploys the partitions the master lists for this node ({@code slapos node instance},
 * node-behavior §5): the partition profile with its {@code [slap-connection]} tail, buildout as the
 * partition's user, services through the node supervisord, promises, the started/stopped/error
 * reports and {@code .timestamp}. One bad partition never stops the others; when the master cannot
 * be reached the run falls back to offline mode.
 * <p>Provider type: the grid bundle implements it; the command and the daemon call it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface InstanceDeployer {
  /**
   * Runs once over the master's partition list.
   *
   * @param progress receives human-readable progress lines (partition started, skipped, failed...)
   * @throws GridException when the run cannot take place (no software or instance root, an unknown
   *     partition in {@code only}, the node supervisord cannot be configured); nothing was deployed then
   */
  InstanceRun run(InstanceRunRequest request, Consumer<String> progress) throws GridException;
}
