package org.slapos.itest.support;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;

/**
 * The common set-up of the slapproxy in-framework tests: each class runs the master runtime in its
 * own framework (Pax Exam, reactor strategy per class) with its own work directory and ports, and
 * its tests share one {@link LocalProxy}, started before the first of them.
 *
 * <p>Subclasses add {@code @RunWith(PaxExam.class)} and {@code @ExamReactorStrategy(PerClass.class)},
 * and override {@link #proxyProperties} (configuration of the endpoints) or {@link #startProxy}
 * (what to do before and after the start) when they need to.
 */
public abstract class ProxyTestSupport {
  /** Driver side: the work directory of each test class (Pax Exam may ask for its options more than once). */
  private static final Map<String, Path> WORK_DIRECTORIES = new ConcurrentHashMap<>();

  /**
   * Container side: the proxy of this class's framework. Each framework loads the test classes
   * afresh, so this field is per test class.
   */
  protected static LocalProxy proxy;

  @Inject
  protected BundleContext context;

  @Configuration
  public Option[] config() {
    Path work = WORK_DIRECTORIES.computeIfAbsent(getClass().getName(),
        name -> LocalProxy.newWorkDirectory(getClass().getSimpleName()));
    return LocalProxy.options(work);
  }

  /** Starts the proxy of the class before its first test. */
  @Before
  public final void startProxyOnce() throws Exception {
    if (proxy == null) {
      proxy = startProxy();
    }
  }

  /** Configures and starts the proxy of the class on {@code <work>/proxy.db}; waits until it answers. */
  protected LocalProxy startProxy() throws Exception {
    return LocalProxy.start(context, proxyProperties());
  }

  /** Configuration of the endpoints (PID org.slapos.proxy) besides the defaults LocalProxy sets. */
  protected Map<String, Object> proxyProperties() {
    return Map.of();
  }
}
