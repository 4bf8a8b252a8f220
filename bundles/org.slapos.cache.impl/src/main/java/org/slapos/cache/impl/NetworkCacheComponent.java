package org.slapos.cache.impl;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slapos.cache.api.BinaryCache;
import org.slapos.cache.api.CacheEntry;
import org.slapos.cache.api.CacheException;
import org.slapos.cache.api.CacheLookup;
import org.slapos.cache.api.OsSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binary cache service. Configuration is slapos.cfg's {@code [networkcache]} section (PID
 * {@value BinaryCache#PID}, as the config bridge names it); without URLs it answers "nothing cached" and refuses uploads.
 * It owns the HTTP executor and stops it on deactivation. A configuration it cannot use (a file it
 * names missing or unreadable, a malformed URL...) fails the activation with a one-line
 * {@link CacheException} {@code NOT_CONFIGURED}.
 */
@Component(service = BinaryCache.class, configurationPid = BinaryCache.PID)
@Designate(ocd = NetworkCacheConfig.class)
public final class NetworkCacheComponent implements BinaryCache {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkCacheComponent.class);

  private final ExecutorService executor;
  private final NetworkCacheClient client;

  @Activate
  public NetworkCacheComponent(NetworkCacheConfig config) throws CacheException {
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "slapos-network-cache-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      this.client = new NetworkCacheClient(CacheSettings.from(config), LocalSystem.detect(), executor);
    } catch (IllegalArgumentException e) {
      executor.shutdownNow();
      throw new CacheException(CacheException.Code.NOT_CONFIGURED, e.getMessage(), e);
    } catch (RuntimeException e) {
      executor.shutdownNow();
      throw e;
    }
    LOG.debug("Network cache client activated");
  }

  @Deactivate
  void deactivate() throws InterruptedException {
    client.close();
    executor.shutdownNow();
    if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
      LOG.warn("Network cache transfers still running after 10 s");
    }
  }

  @Override
  public OsSignature localSystem() {
    return client.localSystem();
  }

  @Override
  public CacheLookup lookup(String softwareUrlOrMd5) throws CacheException {
    return client.lookup(softwareUrlOrMd5);
  }

  @Override
  public Optional<CacheEntry> install(String softwareUrl, OsSignature system, Path releaseDirectory)
      throws CacheException {
    return client.install(softwareUrl, system, releaseDirectory);
  }

  @Override
  public CacheEntry upload(String softwareUrl, OsSignature system, Path releaseDirectory)
      throws CacheException {
    return client.upload(softwareUrl, system, releaseDirectory);
  }
}
