package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slapos.itest.support.LocalProxy;
import org.slapos.itest.support.ProxyTestSupport;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.SlapConnector;

/**
 * Hot swap: every bundle of the master runtime but the framework is updated and refreshed (its
 * dependents restart) while the proxy runs; after each one the proxy answers again with the same
 * data. The exceptions are the bundles the test probe itself is wired to (see the loop).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyHotSwapIT extends ProxyTestSupport {
  private static final long REFRESH_TIMEOUT_SECONDS = 60;

  @Test
  public void everyRuntimeBundleCanBeUpdatedWhileTheProxyServes() throws Exception {
    String computer = proxy.newComputer(2);
    String software = "http://" + LocalProxy.unique("sr") + "/software.cfg";
    String partition = proxy.requestOn(computer, software, "hot-swapped").getId();

    List<String> swapped = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (Bundle bundle : runtimeBundles()) {
      String name = bundle.getSymbolicName();
      // Bundles this test's own probe depends on (the SLAP API, the store API, Config Admin...)
      // cannot be swapped from inside it: their refresh would restart the test, and an update
      // without refresh leaves two class spaces apart. bin/slapos has no such probe.
      if (wiring().getDependencyClosure(List.of(bundle)).contains(context.getBundle())) {
        kept.add(name);
        continue;
      }
      // Stopped first: a singleton (SCR...) cannot start its new revision next to the old one,
      // which stays until the refresh.
      bundle.stop();
      bundle.update();
      refresh(bundle);
      bundle.start();
      try {
        LocalProxy.awaitAnswer(proxy.url());
      } catch (AssertionError notServing) {
        throw new AssertionError("after updating " + name + " (swapped before: " + swapped + "): "
            + notServing.getMessage() + "; " + diagnosis());
      }
      HttpResponse<String> information = proxy.get("getFullComputerInformation", "computer_id", computer);
      assertEquals(name + " updated: " + information.body(), 200, information.statusCode());
      assertTrue(name + " updated: the instance is still there", information.body().contains("hot-swapped"));
      assertEquals(name + " updated: same instance, same partition", partition, requestAgain(computer, software));
      assertEquals(name + " is active again", Bundle.ACTIVE, bundle.getState());
      swapped.add(name);
    }
    for (String mustSwap : List.of("org.slapos.proxy", "org.slapos.master.store.sqlite", "org.apache.felix.http.jetty",
        "org.slapos.master.shell", "org.slapos.cli", "org.apache.felix.scr")) {
      assertTrue(mustSwap + " swapped: " + swapped + ", kept: " + kept, swapped.contains(mustSwap));
    }
  }

  /** The same request through the current SLAP client service (it may have been swapped too). */
  private String requestAgain(String computer, String software) throws Exception {
    SlapConnector connector = SlaposTestSupport.awaitService(context, SlapConnector.class, null,
        LocalProxy.TIMEOUT_MILLIS);
    return connector.initializeConnection(proxy.url()).registerOpenOrder()
        .request(InstanceRequest.builder(software, "hot-swapped").filter("computer_guid", computer).build()).getId();
  }

  /** The bundles of the exported master runtime (installed from its directory), framework excluded. */
  private List<Bundle> runtimeBundles() {
    List<Bundle> bundles = new ArrayList<>();
    for (Bundle bundle : context.getBundles()) {
      if (bundle.getBundleId() != 0 && bundle.getLocation().contains("/export/master/")
          && bundle.getHeaders().get("Fragment-Host") == null) {
        bundles.add(bundle);
      }
    }
    assertTrue("the master runtime's bundles: " + bundles, bundles.size() > 20);
    return bundles;
  }

  /** The services and bundle states that tell why the endpoints are not back. */
  private String diagnosis() throws Exception {
    StringBuilder text = new StringBuilder("services:");
    for (String filter : List.of("(osgi.http.whiteboard.servlet.name=*)", "(objectClass=org.slapos.master.api.MasterStore)",
        "(objectClass=org.apache.felix.http.jetty.ConnectorFactory)", "(objectClass=org.eclipse.jetty.server.RequestLog)")) {
      org.osgi.framework.ServiceReference<?>[] found = context.getAllServiceReferences(null, filter);
      text.append(' ').append(filter).append('=').append(found == null ? 0 : found.length);
    }
    text.append("; not active:");
    for (Bundle bundle : context.getBundles()) {
      if (bundle.getState() != Bundle.ACTIVE && bundle.getHeaders().get("Fragment-Host") == null) {
        text.append(' ').append(bundle.getSymbolicName()).append('=').append(bundle.getState());
      }
    }
    return text.toString();
  }

  private FrameworkWiring wiring() {
    return context.getBundle(0).adapt(FrameworkWiring.class);
  }

  private void refresh(Bundle bundle) throws InterruptedException {
    CountDownLatch refreshed = new CountDownLatch(1);
    wiring().refreshBundles(List.of(bundle), event -> {
      if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
        refreshed.countDown();
      }
    });
    assertTrue(bundle.getSymbolicName() + " refreshed", refreshed.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }
}
