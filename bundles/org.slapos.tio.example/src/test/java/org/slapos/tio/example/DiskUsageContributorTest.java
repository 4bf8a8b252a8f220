package org.slapos.tio.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.tio.api.Movement;
import org.slapos.tio.api.UsagePartition;

class DiskUsageContributorTest {
  @TempDir
  Path partition;

  private static DiskUsageConfig config(String unit, String price, String category, String... partitions) {
    return new DiskUsageConfig() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return DiskUsageConfig.class;
      }

      @Override
      public String unit() {
        return unit;
      }

      @Override
      public String resource() {
        return "Disk Usage";
      }

      @Override
      public String category() {
        return category;
      }

      @Override
      public String price() {
        return price;
      }

      @Override
      public String vat() {
        return "None";
      }

      @Override
      public String[] partitions() {
        return partitions;
      }
    };
  }

  private UsagePartition deployed(String id) {
    return new UsagePartition(id, partition, "http://sr/software.cfg");
  }

  @Test
  void aPartitionGetsOneMovementWithItsFilesSizeInTheConfiguredUnit() throws Exception {
    Files.write(Files.createDirectories(partition.resolve("srv/data")).resolve("blob"), new byte[3 * 1024 * 1024]);
    Files.write(partition.resolve("half"), new byte[512 * 1024]);
    // A link to a large tree is not followed: only the partition's own files count.
    Files.createSymbolicLink(partition.resolve("software_release"), Path.of("/usr"));
    assertEquals(List.of(Movement.of("Disk Usage", "Disk usage of slappart0 in MiB", "slappart0", "3.500", "0.00",
        "None", "Disk")), new DiskUsageContributor(config("MiB", "0.00", "Disk")).partitionUsage(deployed("slappart0")));
    assertEquals(List.of(Movement.of("Disk Usage", "Disk usage of slappart0 in KiB", "slappart0", "3584.000", "0.01",
        "None", null)), new DiskUsageContributor(config("KiB", "0.01", "")).partitionUsage(deployed("slappart0")));
  }

  @Test
  void freePartitionsAndPartitionsNotConfiguredAreNotReported() throws Exception {
    DiskUsageContributor everyDeployed = new DiskUsageContributor(config("B", "0", "Disk"));
    assertEquals(List.of(), everyDeployed.partitionUsage(new UsagePartition("slappart0", partition, "")));
    assertEquals(1, everyDeployed.partitionUsage(deployed("slappart0")).size());
    assertEquals(List.of(), everyDeployed.partitionUsage(new UsagePartition("slappart9", partition.resolve("gone"),
        "http://sr/software.cfg")));

    DiskUsageContributor onlySlappart1 = new DiskUsageContributor(config("B", "0", "Disk", "slappart1"));
    assertEquals(List.of(), onlySlappart1.partitionUsage(deployed("slappart0")));
    assertEquals(1, onlySlappart1.partitionUsage(new UsagePartition("slappart1", partition, "")).size());
  }

  @Test
  void badSettingsAreRefusedWithTheKeysName() {
    assertEquals("unit must be one of B, KiB, MiB, GiB: TB", assertThrows(IllegalArgumentException.class,
        () -> new DiskUsageContributor(config("TB", "0", "Disk"))).getMessage());
    assertEquals("price must be a decimal number: free", assertThrows(IllegalArgumentException.class,
        () -> new DiskUsageContributor(config("MiB", "free", "Disk"))).getMessage());
  }
}
