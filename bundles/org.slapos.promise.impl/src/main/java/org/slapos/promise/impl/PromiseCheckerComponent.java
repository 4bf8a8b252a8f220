package org.slapos.promise.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slapos.promise.api.PartitionContext;
import org.slapos.promise.api.Promise;
import org.slapos.promise.api.PromiseChecker;
import org.slapos.promise.api.PromiseException;
import org.slapos.promise.api.PromiseReport;
import org.slapos.promise.api.PromiseRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PromiseChecker} service, configured by PID {@value #PID}. {@link Promise} services are
 * tracked as a whiteboard (dynamic, multiple): a bundle that registers one adds it to the next run
 * of every partition it applies to, and its removal takes it out, with no restart.
 */
@Component(service = PromiseChecker.class, configurationPid = PromiseCheckerComponent.PID)
@Designate(ocd = PromiseCheckerConfig.class)
public final class PromiseCheckerComponent implements PromiseChecker {
  /** Configuration PID of the checker. */
  public static final String PID = "org.slapos.promise";
  private static final Logger LOG = LoggerFactory.getLogger(PromiseCheckerComponent.class);

  /** A tracked service with what orders and names it. */
  private record Tracked(String title, Promise promise, long serviceId) { }

  private final Map<Promise, Tracked> promises = new ConcurrentHashMap<>();
  private final ExecutorService pool;
  private final ExecutorService javaPromiseThreads;
  private final PromiseEngine engine;

  @Activate
  public PromiseCheckerComponent(PromiseCheckerConfig config) {
    this(config, effectiveUid());
  }

  private PromiseCheckerComponent(PromiseCheckerConfig config, long uid) {
    // Unprivileged, scripts get the node user's passwd home, as the original's cleaned environment.
    this(config, uid == 0, uid == 0 ? null : homeOf(uid));
  }

  private static String homeOf(long uid) {
    try {
      return Account.homeOf(uid);
    } catch (IOException e) {
      LOG.warn("Cannot look up the home of uid {}: promise scripts get their partition as HOME", uid, e);
      return null;
    }
  }

  PromiseCheckerComponent(PromiseCheckerConfig config, boolean nodeIsRoot, String nodeHome) {
    if (config.parallelism() < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1: " + config.parallelism());
    }
    this.pool = Executors.newFixedThreadPool(config.parallelism(), threads("slapos-promise-"));
    this.javaPromiseThreads = Executors.newCachedThreadPool(threads("slapos-promise-java-"));
    this.engine = new PromiseEngine(new ObjectMapper(), new PromiseEngine.Settings(nodeIsRoot, config.path(), nodeHome),
        pool, javaPromiseThreads, Clock.systemUTC());
    LOG.debug("Promise checker active: {} promises at a time, node is root: {}", config.parallelism(), nodeIsRoot);
  }

  @Deactivate
  void deactivate() {
    pool.shutdownNow();
    javaPromiseThreads.shutdownNow();
  }

  @Reference(service = Promise.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
      updated = "updatedPromise")
  void bindPromise(Promise promise, Map<String, Object> properties) {
    Object name = properties.get(Promise.NAME);
    String title = name == null ? "" : name.toString().strip();
    if (!validTitle(title)) {
      LOG.warn("Ignoring a promise service without a valid {} property (a file name): {}", Promise.NAME, properties);
      return;
    }
    long id = ((Number) properties.getOrDefault(Constants.SERVICE_ID, 0L)).longValue();
    promises.put(promise, new Tracked(title, promise, id));
    LOG.info("Promise {} added", title);
  }

  void updatedPromise(Promise promise, Map<String, Object> properties) {
    unbindPromise(promise);
    bindPromise(promise, properties);
  }

  void unbindPromise(Promise promise) {
    Tracked removed = promises.remove(promise);
    if (removed != null) {
      LOG.info("Promise {} removed", removed.title());
    }
  }

  static boolean validTitle(String title) {
    return !title.isEmpty() && !title.startsWith(".") && title.matches("[A-Za-z0-9_.@+-]+");
  }

  @Override
  public PromiseReport check(PromiseRequest request) throws PromiseException {
    return engine.check(request, applicable(request.partition()));
  }

  /** The tracked promises that apply to the partition, one per title (the first registered wins). */
  private List<PromiseEngine.BundlePromise> applicable(PartitionContext partition) {
    List<Tracked> tracked = new ArrayList<>(promises.values());
    tracked.sort(Comparator.comparing(Tracked::title).thenComparingLong(Tracked::serviceId));
    List<PromiseEngine.BundlePromise> selected = new ArrayList<>();
    String previous = null;
    for (Tracked promise : tracked) {
      if (promise.title().equals(previous)) {
        LOG.warn("Two promise services are named {}: only the first registered one runs", previous);
        continue;
      }
      previous = promise.title();
      boolean applies;
      try {
        applies = promise.promise().appliesTo(partition);
      } catch (RuntimeException e) {
        LOG.warn("Promise {} failed to tell whether it applies to {}; it runs", promise.title(),
            partition.partitionId(), e);
        applies = true;
      }
      if (applies) {
        selected.add(new PromiseEngine.BundlePromise(promise.title(), promise.promise()));
      }
    }
    return selected;
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The effective uid, as the owner of {@code /proc/self} (no native call needed). */
  private static long effectiveUid() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("Cannot tell whether the node runs as root: " + e.getMessage(), e);
    }
  }
}
