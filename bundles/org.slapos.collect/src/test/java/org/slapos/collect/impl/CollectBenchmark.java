package org.slapos.collect.impl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slapos.collect.api.CollectRequest;
import org.slapos.collect.api.CollectSummary;
import org.slapos.collect.api.DiskUsagePolicy;
import org.slapos.collect.api.PartitionUser;

/**
 * bench/collect-bench.sh's harness: collect passes over partitions the script prepared, in one JVM, so
 * the first (cold: classes, JNA, SQLite's native library) and the following (warm) passes show apart.
 * Usage: CollectBenchmark INSTANCE_ROOT USER_BASE_NAME PARTITIONS PASSES
 */
public final class CollectBenchmark {
  private CollectBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Path instanceRoot = Path.of(args[0]);
    String userBase = args[1];
    int partitions = Integer.parseInt(args[2]);
    int passes = Integer.parseInt(args[3]);
    List<PartitionUser> users = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      users.add(new PartitionUser(userBase + i, instanceRoot.resolve("slappart" + i)));
    }
    CollectRequest request = new CollectRequest(instanceRoot, "COMP-BENCH", users, 15,
        new DiskUsagePolicy(true, instanceRoot.resolve("var/run"), Duration.ofDays(1)));
    OshiUsageCollector collector = new OshiUsageCollector();
    try {
      List<Long> warm = new ArrayList<>();
      for (int pass = 1; pass <= passes; pass++) {
        CollectSummary summary = collector.collect(request);
        int processes = summary.processes().values().stream().mapToInt(Integer::intValue).sum();
        long millis = summary.elapsed().toMillis();
        System.out.printf("in-process pass %d (%s): %d processes recorded in %d ms%n", pass,
            pass == 1 ? "cold" : "warm", processes, millis);
        if (pass > 1) {
          warm.add(millis);
        }
      }
      if (!warm.isEmpty()) {
        warm.sort(null);
        System.out.printf("warm passes: median %d ms, min %d ms, max %d ms%n", warm.get(warm.size() / 2), warm.get(0),
            warm.get(warm.size() - 1));
      }
    } finally {
      collector.deactivate();
    }
  }
}
