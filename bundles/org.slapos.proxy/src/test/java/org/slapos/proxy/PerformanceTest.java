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
 * Measures getFullComputerInformation for 1000 busy partitions through the endpoints (marshalling
 * included). It logs the figures and asserts only on content: no timing assertions.
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
}
