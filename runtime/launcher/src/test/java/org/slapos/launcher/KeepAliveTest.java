package org.slapos.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/** The launcher's keep-alive service: what the command line bundle finds and what running it does. */
class KeepAliveTest {
  @TempDir
  Path storage;

  private Framework framework() throws Exception {
    Framework framework = new FrameworkFactory().newFramework(Map.of(
        "org.osgi.framework.storage", storage.toString(),
        "org.osgi.framework.storage.clean", "onFirstInit"));
    framework.init();
    return framework;
  }

  @Test
  void registeredAsARunnableWithTheKeepAliveProperty() throws Exception {
    Framework framework = framework();
    try {
      KeepAlive keepAlive = KeepAlive.register(framework.getBundleContext());
      Collection<ServiceReference<Runnable>> found = framework.getBundleContext()
          .getServiceReferences(Runnable.class, "(launcher.keepalive=true)");
      assertEquals(1, found.size());
      Runnable service = framework.getBundleContext().getService(found.iterator().next());
      assertNotNull(service);
      assertFalse(keepAlive.requested());
      service.run();
      assertTrue(keepAlive.requested());
    } finally {
      framework.stop();
      framework.waitForStop(30_000);
    }
  }

  @Test
  void whenRequestedTheLauncherWaitsUntilTheFrameworkStops() throws Exception {
    Framework framework = framework();
    framework.start();
    KeepAlive keepAlive = KeepAlive.register(framework.getBundleContext());
    keepAlive.run();
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
      try {
        keepAlive.awaitFrameworkStopIfRequested(framework);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertEquals(Bundle.ACTIVE, framework.getState(), "the framework keeps running");
    assertFalse(waiting.isDone(), "the launcher waits while the framework runs");
    framework.stop();
    waiting.get(30, TimeUnit.SECONDS);
    assertEquals(Bundle.RESOLVED, framework.getState());
  }

  @Test
  void withoutRequestTheLauncherDoesNotWait() throws Exception {
    Framework framework = framework();
    try {
      framework.start();
      KeepAlive.register(framework.getBundleContext()).awaitFrameworkStopIfRequested(framework);
      assertEquals(Bundle.ACTIVE, framework.getState());
    } finally {
      framework.stop();
      framework.waitForStop(30_000);
    }
  }
}
