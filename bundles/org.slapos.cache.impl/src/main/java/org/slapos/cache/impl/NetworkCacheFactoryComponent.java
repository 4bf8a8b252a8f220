package org.slapos.cache.impl;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slapos.cache.api.BinaryCacheFactory;
import org.slapos.cache.api.CacheEntry;
import org.slapos.cache.api.CacheException;
import org.slapos.cache.api.CacheException.Code;
import org.slapos.cache.api.CacheLookup;
import org.slapos.cache.api.OsSignature;

/** Opens caches on explicit settings; all of them share the executor this component owns. */
@Component(service = BinaryCacheFactory.class)
public final class NetworkCacheFactoryComponent implements BinaryCacheFactory {
  private final ExecutorService executor;
  private final OsSignature localSystem;

  @Activate
  public NetworkCacheFactoryComponent() {
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "slapos-network-cache-session-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.localSystem = LocalSystem.detect();
  }

  @Deactivate
  public void deactivate() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Override
  public Session open(Map<String, String> networkcacheSection) throws CacheException {
    NetworkCacheClient client;
    try {
      client = new NetworkCacheClient(CacheSettings.fromSection(networkcacheSection), localSystem, executor);
    } catch (IllegalArgumentException e) {
      throw new CacheException(Code.NOT_CONFIGURED, e.getMessage(), e);
    }
    return new Session() {
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

      @Override
      public void close() {
        client.close();
      }
    };
  }
}
