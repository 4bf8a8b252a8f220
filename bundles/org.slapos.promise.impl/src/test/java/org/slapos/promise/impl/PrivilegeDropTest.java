package org.slapos.promise.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.promise.api.PartitionContext;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseOutcome;
import org.slapos.promise.api.PromiseRequest;

/** As root, scripts run as the partition's owner and the state belongs to it (skipped unprivileged). */
class PrivilegeDropTest {
  private static final int NOBODY = 65534;

  @TempDir
  Path temporary;

  @Test
  void scriptsRunAsThePartitionOwnerWhenTheNodeIsRoot() throws Exception {
    assumeTrue(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0, "needs root");
    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path partition = Files.createDirectories(temporary.resolve("slappart7"));
    Path script = Files.createDirectories(partition.resolve("etc/promise")).resolve("whoami");
    Files.writeString(script, "#!/bin/sh\nid -u\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(partition, "unix:uid", NOBODY);
    Files.setAttribute(partition, "unix:gid", NOBODY);

    PromiseCheckerComponent checker = new PromiseCheckerComponent(PromiseCheckerComponentTest.config(2), true, "/root");
    try {
      PromiseOutcome outcome = checker.check(new PromiseRequest(new PartitionContext("slappart7", partition, "COMP-1",
          "", "", List.of(), Map.of()), PromiseMode.TEST, true, Duration.ofSeconds(10), "", null, null))
          .outcomes().get(0);
      assertEquals(Integer.toString(NOBODY), outcome.result().message());
      for (String written : List.of("result", "result/whoami.status.json", "log/whoami.log", "cache/whoami")) {
        assertEquals(NOBODY, Files.getAttribute(partition.resolve(".slapgrid/promise/" + written), "unix:uid"), written);
      }
    } finally {
      checker.deactivate();
    }
  }

  @Test
  void scriptsOfAPartitionOwnedByRootDoNotRun() throws Exception {
    assumeTrue(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0, "needs root");
    Path partition = Files.createDirectories(temporary.resolve("slappart8"));
    Path script = Files.createDirectories(partition.resolve("etc/promise")).resolve("any");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    PromiseCheckerComponent checker = new PromiseCheckerComponent(PromiseCheckerComponentTest.config(2), true, "/root");
    try {
      PromiseOutcome outcome = checker.check(new PromiseRequest(new PartitionContext("slappart8", partition, "", "", "",
          List.of(), Map.of()), PromiseMode.TEST, true, Duration.ofSeconds(10), "", null, null)).outcomes().get(0);
      assertTrue(outcome.result().failed());
      assertTrue(outcome.result().message().contains("is too dangerous"), outcome.result().message());
    } finally {
      checker.deactivate();
    }
  }
}
