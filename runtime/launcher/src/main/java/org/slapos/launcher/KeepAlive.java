package org.slapos.launcher;

import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;

/**
 * The keep-alive contract between the launcher and the command line bundle: a {@code Runnable}
 * service with {@code launcher.keepalive=true}, registered by the system bundle before any bundle
 * starts. A command that started services ({@code proxy start}) runs it through
 * {@code CommandContext.keepRuntimeRunning()}; then, when the main {@code Callable} returns, the
 * launcher does not stop the framework but waits until it stops (SIGTERM/SIGINT through the
 * shutdown hook, or a stop from inside), and exits with the command's code. The services thus live
 * as long as the process, whatever bundle is updated meanwhile.
 */
final class KeepAlive implements Runnable {
  /** Service property that marks the keep-alive service. */
  static final String PROPERTY = "launcher.keepalive";

  private final AtomicBoolean requested = new AtomicBoolean();

  /** Registers the keep-alive service with the system bundle's context. */
  static KeepAlive register(BundleContext system) {
    KeepAlive keepAlive = new KeepAlive();
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put(PROPERTY, Boolean.TRUE);
    system.registerService(Runnable.class, keepAlive, properties);
    return keepAlive;
  }

  @Override
  public void run() {
    requested.set(true);
  }

  boolean requested() {
    return requested.get();
  }

  /** When a command asked for it, blocks until the framework has stopped. */
  void awaitFrameworkStopIfRequested(Framework framework) throws InterruptedException {
    if (requested()) {
      framework.waitForStop(0);
    }
  }
}
