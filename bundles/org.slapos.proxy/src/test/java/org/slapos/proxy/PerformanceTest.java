package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.InstanceRequestSpec;
import org.slapos.master.api.NetworkAddress;
import org.slapos.slap.marshal.Marshal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures getFullComputerInformation for 1000 busy partitions and the re-request of an existing
 * instance through the endpoints (form decoding, unmarshalling, store and marshalling included, no
 * HTTP). It logs the figures and asserts only on content: no timing assertions.
 */
class PerformanceTest {
  private static final Logger LOG = LoggerFactory.getLogger(PerformanceTest.class);

  @TempDir
  Path dir;

  @Test
  void fullComputerInformationForAThousandPartitions() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(dir, "computer")) {
      List<ComputerFormat.PartitionFormat> partitions = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        partitions.add(new ComputerFormat.PartitionFormat("slappart" + i, List.of(
            new NetworkAddress("slaptap" + i, "10.0." + (i / 250) + "." + (i % 250), "255.255.255.0"),
            new NetworkAddress("slaptap" + i, "fd00::" + Integer.toHexString(i), "ffff::"))));
      }
      proxy.store.formatComputer(new ComputerFormat("computer", null, null, partitions));
      for (int i = 0; i < 1000; i++) {
        proxy.store.request(new InstanceRequestSpec(null, null, "http://sr/software.cfg", "default", "i" + i, false,
            Map.of("index", (long) i, "domain", "d" + i + ".example"), null, null, null));
      }
      int iterations = Integer.getInteger("perf.iterations", 30);
      long[] uncached = new long[iterations];
      long[] cached = new long[iterations];
      int size = 0;
      for (int i = 0; i < iterations; i++) {
        proxy.store.bang("computer", "slappart" + i); // a change: everything is read and marshalled again
        long t0 = System.nanoTime();
        Reply reply = proxy.get("/getFullComputerInformation", "computer_id", "computer");
        uncached[i] = System.nanoTime() - t0;
        t0 = System.nanoTime();
        proxy.get("/getFullComputerInformation", "computer_id", "computer");
        cached[i] = System.nanoTime() - t0;
        size = reply.body().length;
        assertEquals(200, reply.status());
      }
      Arrays.sort(uncached);
      Arrays.sort(cached);
      LOG.info("getFullComputerInformation, 1000 busy partitions, {} bytes: after a change median {} ms (best {} ms);"
          + " unchanged median {} ms", size, uncached[iterations / 2] / 1e6, uncached[0] / 1e6, cached[iterations / 2] / 1e6);
      Object computer = Marshal.loads(proxy.get("/getFullComputerInformation", "computer_id", "computer").bodyText());
      assertEquals("computer", ((org.slapos.slap.marshal.SlapObject) computer).get("_computer_id"));
    }
  }

  @Test
  void reRequestOfAnExistingInstance() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(dir, "computer")) {
      List<ComputerFormat.PartitionFormat> partitions = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        partitions.add(new ComputerFormat.PartitionFormat("slappart" + i, List.of(
            new NetworkAddress("slaptap" + i, "10.0.0." + (i + 1), "255.255.255.0"))));
      }
      proxy.store.formatComputer(new ComputerFormat("computer", null, null, partitions));
      // The fields bench/proxy-bench.sh sends, as the Python client writes them.
      String[] fields = {"software_release", "http://sr.example/software.cfg", "partition_reference", "instance-0",
          "partition_parameter_xml", Marshal.dumps(Map.of("n", "0")),
          "filter_xml", Marshal.dumps(Map.of("computer_guid", "computer")), "software_type", "default",
          "state", Marshal.dumps(null), "shared_xml", Marshal.dumps(false)};
      String body = ProxyFixture.form(fields); // encoded once: only the endpoint is measured
      java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
      int iterations = Integer.getInteger("perf.requests", 10000);
      long[] cpuPerRequest = new long[5];
      Reply reply = null;
      for (int i = 0; i < iterations; i++) {
        reply = proxy.postRaw("/requestComputerPartition", body); // warm-up (JIT)
      }
      for (int round = 0; round < cpuPerRequest.length; round++) {
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < iterations; i++) {
          reply = proxy.postRaw("/requestComputerPartition", body);
        }
        cpuPerRequest[round] = (threads.getCurrentThreadCpuTime() - t0) / iterations;
      }
      Arrays.sort(cpuPerRequest);
      LOG.info("requestComputerPartition of an existing instance, in-process: median {} us of CPU per request"
          + " (best {} us)", cpuPerRequest[2] / 1e3, cpuPerRequest[0] / 1e3);
      assertEquals(200, reply.status(), reply.bodyText());
      org.slapos.slap.marshal.SlapObject instance = (org.slapos.slap.marshal.SlapObject) Marshal.loads(reply.bodyText());
      assertEquals("slappart0", instance.get("slap_computer_partition_id"));
    }
  }
}
