package org.slapos.cache.api;

import java.util.Map;

/**
 * Opens a {@link BinaryCache} on explicit {@code [networkcache]} settings, for commands that take
 * their own configuration file ({@code slapos cache lookup --cfg}) rather than the runtime's.
 * <p>Provider type: the cache bundle implements it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface BinaryCacheFactory {
  /**
   * @param networkcacheSection the keys of a {@code [networkcache]} section as written in slapos.cfg
   *     ({@code download-binary-dir-url}, {@code signature-certificate-list}...; {@code _} and
   *     {@code -} alike)
   * @return a cache using them; close it when done
   * @throws CacheException NOT_CONFIGURED with a one-line message when a value is invalid
   */
  Session open(Map<String, String> networkcacheSection) throws CacheException;

  /** A cache opened by {@link #open}; closing ends its waits. */
  interface Session extends BinaryCache, AutoCloseable {
    @Override
    void close();
  }
}
