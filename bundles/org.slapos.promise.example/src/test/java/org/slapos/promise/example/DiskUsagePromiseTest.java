package org.slapos.promise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.promise.api.PartitionContext;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseResult;

class DiskUsagePromiseTest {
  @TempDir
  Path partition;

  private static DiskUsageConfig config(long maxMegabytes, String... partitions) {
    return new DiskUsageConfig() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return DiskUsageConfig.class;
      }

      @Override
      public long max_megabytes() {
        return maxMegabytes;
      }

      @Override
      public String[] partitions() {
        return partitions;
      }

      @Override
      public long periodicity_minutes() {
        return 10;
      }
    };
  }

  private PartitionContext context(String id) {
    return new PartitionContext(id, partition, "COMP-1", "", "", List.of(), Map.of());
  }

  @Test
  void aPartitionUnderTheLimitPassesAndOneOverItFails() throws Exception {
    Files.write(Files.createDirectories(partition.resolve("srv/data")).resolve("blob"), new byte[3 * 1024 * 1024]);
    Files.createSymbolicLink(partition.resolve("software_release"), Path.of("/usr"));
    PromiseResult under = new DiskUsagePromise(config(4)).check(context("slappart0"), PromiseMode.TEST);
    assertEquals(PromiseResult.success("slappart0 uses 3.0 MiB of 4 MiB"), under);
    PromiseResult over = new DiskUsagePromise(config(2)).check(context("slappart0"), PromiseMode.ANOMALY);
    assertEquals(PromiseResult.failure("slappart0 uses 3.0 MiB of 2 MiB"), over);
  }

  @Test
  void itAppliesToTheConfiguredPartitionsOnly() {
    DiskUsagePromise promise = new DiskUsagePromise(config(1, "slappart1"));
    assertTrue(promise.appliesTo(context("slappart1")));
    assertFalse(promise.appliesTo(context("slappart0")));
    assertTrue(new DiskUsagePromise(config(1)).appliesTo(context("slappart0")));
    assertEquals(Duration.ofMinutes(10), promise.periodicity());
  }

  @Test
  void aNonPositiveLimitIsRefused() {
    assertEquals("max.megabytes must be positive: 0",
        assertThrows(IllegalArgumentException.class, () -> new DiskUsagePromise(config(0))).getMessage());
  }
}
