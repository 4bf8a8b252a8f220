package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.slapos.slap.api.ComputerPartition;

/**
 * Hot swap: the store and the endpoint bundles are stopped, updated and started again while the
 * framework (and Felix HTTP) keep running; the proxy answers again with the same data.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyHotSwapIT {
  private static Path work;

  @Inject
  private BundleContext context;

  @Configuration
  public Option[] config() {
    if (work == null) { // Pax Exam may call this more than once: one directory per class
      work = LocalProxy.newWorkDirectory(getClass().getSimpleName());
    }
    return LocalProxy.options(work);
  }

  @Test
  public void storeAndEndpointBundlesCanBeUpdatedWhileTheFrameworkRuns() throws Exception {
    LocalProxy proxy = LocalProxy.start(context, Map.of());
    String computer = proxy.newComputer(2);
    String software = "http://" + LocalProxy.unique("sr") + "/software.cfg";
    String partition = proxy.requestOn(computer, software, "hot-swapped").getId();

    for (String symbolicName : List.of("org.slapos.master.store.sqlite", "org.slapos.proxy")) {
      Bundle bundle = bundle(symbolicName);
      bundle.stop();
      bundle.update();
      bundle.start();
      LocalProxy.awaitAnswer(proxy.url());
      ComputerPartition again = proxy.requestOn(computer, software, "hot-swapped");
      assertEquals(symbolicName + " was swapped: same instance, same partition", partition, again.getId());
      assertEquals(Bundle.ACTIVE, bundle.getState());
    }
  }

  private Bundle bundle(String symbolicName) {
    for (Bundle bundle : context.getBundles()) {
      if (symbolicName.equals(bundle.getSymbolicName())) {
        return bundle;
      }
    }
    throw new AssertionError("No bundle " + symbolicName);
  }
}
