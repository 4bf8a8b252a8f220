package org.slapos.itest.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.LocalProxy.assertFails;
import static org.slapos.itest.support.LocalProxy.unique;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.slapos.itest.support.LocalProxy;
import org.slapos.itest.support.ProxyTestSupport;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.Slap;

/**
 * Parallel requests through our SLAP client, one connection per thread, released together: the proxy
 * allocates each free partition once (slapproxy could give one partition twice, docs/proxy.md), an
 * instance is created once, and no shared instance is lost from its host's list.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyConcurrencyIT extends ProxyTestSupport {
  private static final String SR = "http://sr//";
  private static final long TIMEOUT_SECONDS = 60;

  /** A request made with its own client connection. */
  @FunctionalInterface
  private interface ClientCall<T> {
    T call(Slap slap, int index) throws Exception;
  }

  /** Runs {@code n} calls on {@code n} threads, each with its own connection, all released at once. */
  private static <T> List<T> inParallel(int n, ClientCall<T> call) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Callable<T> task = () -> {
          Slap slap = proxy.newConnection();
          ready.countDown();
          assertTrue(go.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
          return call.call(slap, index);
        };
        futures.add(threads.submit(task));
      }
      assertTrue("the clients are ready", ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  public void fiftyParallelRequestsGetFiftyDistinctPartitions() throws Exception {
    String computer = proxy.newComputer(50);
    String prefix = unique("instance");
    List<ComputerPartition> instances = inParallel(50, (slap, i) -> slap.registerOpenOrder()
        .request(InstanceRequest.builder(SR, prefix + "-" + i).filter("computer_guid", computer).build()));

    Set<String> partitions = new TreeSet<>();
    for (ComputerPartition instance : instances) {
      assertEquals(computer, instance.getComputerId());
      partitions.add(instance.getId());
    }
    assertEquals(50, partitions.size());

    Set<String> titles = new TreeSet<>();
    for (ComputerPartition p : proxy.partitions(computer)) {
      assertEquals(SR, p.getSoftwareRelease().getURI());
      titles.add((String) LocalProxy.parameters(p).get("instance_title"));
    }
    assertEquals(50, titles.size());
    assertEquals(50, proxy.rows("SELECT * FROM partition17 WHERE computer_reference = ? AND slap_state = 'busy'",
        computer).size());
    assertFails(NotFoundError.class, () -> proxy.requestOn(computer, SR, prefix + "-51"));
  }

  @Test
  public void anInstanceRequestedInParallelIsAllocatedOnce() throws Exception {
    String computer = proxy.newComputer(20);
    String title = unique("MyInstance");
    List<ComputerPartition> instances = inParallel(20, (slap, i) -> slap.registerOpenOrder()
        .request(InstanceRequest.builder(SR, title).filter("computer_guid", computer).build()));
    Set<String> partitions = new TreeSet<>();
    for (ComputerPartition instance : instances) {
      partitions.add(instance.getComputerId() + "-" + instance.getId());
    }
    assertEquals(Set.of(computer + "-slappart0"), partitions);
    assertEquals(1, proxy.rows("SELECT * FROM partition17 WHERE partition_reference = ?", title).size());
  }

  @Test
  public void sharedInstancesRequestedInParallelAreAllKept() throws Exception {
    String computer = proxy.newComputer(1);
    String sr = "http://" + unique("sr") + "/software.cfg";
    ComputerPartition host = proxy.requestOn(computer, sr, unique("host"));
    String prefix = unique("slave");
    inParallel(30, (slap, i) -> slap.registerOpenOrder().request(InstanceRequest.builder(sr, prefix + "-" + i)
        .shared(true).filter("computer_guid", computer).parameter("i", Integer.toString(i)).build()));

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> slaves = (List<Map<String, Object>>) proxy.partition(computer, host.getId())
        .getInstanceParameterDict().get("slave_instance_list");
    Set<String> references = new TreeSet<>();
    for (Map<String, Object> slave : slaves) {
      references.add((String) slave.get("slave_reference"));
    }
    assertEquals(30, references.size());
  }
}
