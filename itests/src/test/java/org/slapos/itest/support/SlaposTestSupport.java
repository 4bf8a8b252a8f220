package org.slapos.itest.support;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.ProvisionOption;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Shared set-up of the in-framework tests, in the spirit of Karaf's test support and Felix
 * Health Checks' {@code U}: provision the exact bundles of one exported runtime (what bin/slapos
 * starts), free ports, and waiting for services with a deadline.
 */
public final class SlaposTestSupport {
  public static final long SERVICE_TIMEOUT_MILLIS = 30_000;

  private SlaposTestSupport() {
  }

  /** The bundles of runtime {@code name} (runtime/target/export/NAME), installed in place. */
  public static Option[] runtime(String name, Option... extra) {
    Path directory = Path.of(System.getProperty("slapos.distribution", "../runtime/target/export")).resolve(name);
    List<Option> options = new ArrayList<>();
    try (Stream<Path> jars = Files.list(directory)) {
      jars.filter(p -> p.toString().endsWith(".jar")).sorted()
          .forEach(jar -> options.add(startedBundle(jar)));
    } catch (IOException e) {
      throw new UncheckedIOException("Runtime " + name + " is not exported at " + directory
          + " (build the reactor first)", e);
    }
    options.add(junitBundles());
    // SLF4J comes from the class path, as in runtime/*.bndrun (-runpath).
    options.add(systemPackages("org.slf4j;version=2.0.17", "org.slf4j.event;version=2.0.17",
        "org.slf4j.helpers;version=2.0.17", "org.slf4j.spi;version=2.0.17", "com.sun.net.httpserver"));
    options.add(frameworkProperty("gosh.args").value("--nointeractive"));
    options.add(systemProperty("logback.configurationFile").value("logback-test.xml"));
    options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
    options.addAll(List.of(extra));
    return options.toArray(new Option[0]);
  }

  private static ProvisionOption<?> startedBundle(Path jar) {
    return bundle("reference:" + jar.toAbsolutePath().toUri()).start();
  }

  /** A free TCP port on loopback. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits (bounded) for a service matching {@code type} and {@code filter} (may be null). */
  public static <T> T awaitService(BundleContext context, Class<T> type, String filter, long timeoutMillis)
      throws InterruptedException {
    String expression = "(objectClass=" + type.getName() + ")";
    if (filter != null && !filter.isBlank()) {
      expression = "(&" + expression + filter + ")";
    }
    Filter osgiFilter;
    try {
      osgiFilter = FrameworkUtil.createFilter(expression);
    } catch (InvalidSyntaxException e) {
      throw new IllegalArgumentException(e);
    }
    ServiceTracker<T, T> tracker = new ServiceTracker<>(context, osgiFilter, null);
    tracker.open();
    try {
      if (tracker.waitForService(timeoutMillis) == null) {
        throw new AssertionError("No " + expression + " service within " + timeoutMillis + " ms");
      }
      // Held through the test bundle's context (not the tracker) so that closing the tracker does
      // not release a delayed component the test still uses.
      return context.getService(tracker.getServiceReference());
    } finally {
      tracker.close();
    }
  }
}
