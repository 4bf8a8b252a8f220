package org.slapos.collect.api;

/**
 * Runs one collect pass (node-behavior §6.5). Provider type: the collect bundle implements it; callers
 * (the {@code node collect} command, a scheduler) only call it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface UsageCollector {
  /**
   * Measures the partition users' processes and the node, stores the figures, writes the journals of
   * the last two days that have none yet, and drops reported rows older than the cache.
   *
   * @throws CollectException when the figures cannot be measured or stored
   */
  CollectSummary collect(CollectRequest request) throws CollectException;
}
