package org.slapos.promise.api;

/**
 * Runs a partition's promises (node-behavior §5.9): plugin promises of {@code etc/plugin} with the
 * release's Python, legacy executables of {@code etc/promise} and the {@link Promise} services of
 * Java bundles, each with the request's timeout, and writes the results under
 * {@code <partition>/.slapgrid/promise/}.
 * <p>Provider type: the promise bundle implements it; the node's instance run and
 * {@code node promise} call it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface PromiseChecker {
  /**
   * @return every promise's outcome; failures are outcomes, not exceptions
   * @throws PromiseException when the promises could not be run at all (unreadable partition,
   *     the plugin runner crashed)
   */
  PromiseReport check(PromiseRequest request) throws PromiseException;
}
