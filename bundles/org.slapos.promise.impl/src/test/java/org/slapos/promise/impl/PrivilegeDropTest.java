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
  void pluginsRunAsThePartitionOwnerAndWriteTheirLogThere() throws Exception {
    assumeTrue(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0, "needs root");
    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
    // The stand-in slapos.core is copied next to the partition: the build tree may not be readable by nobody.
    Path standIn = copyStandIn(temporary.resolve("eggs"));
    Path bin = Files.createDirectories(temporary.resolve("software/abc/bin"));
    Files.writeString(bin.resolve("buildout"), "#!/usr/bin/python3\n");
    Path partition = Files.createDirectories(temporary.resolve("slappart9"));
    Files.createSymbolicLink(partition.resolve("software_release"), bin.getParent());
    Path plugin = Files.createDirectories(partition.resolve("etc/plugin")).resolve("whoami.py");
    Files.writeString(plugin, "import sys\nsys.path[0:0] = ['" + standIn + "']\n"
        + "import os\nfrom slapos.grid.promise.generic import GenericPromise\n"
        + "class RunPromise(GenericPromise):\n"
        + "  def sense(self):\n"
        + "    self.logger.info('uid %s' % os.getuid())\n");
    Files.setAttribute(partition, "unix:uid", NOBODY);
    Files.setAttribute(partition, "unix:gid", NOBODY);

    PromiseCheckerComponent checker = new PromiseCheckerComponent(PromiseCheckerComponentTest.config(2), true, "/root");
    try {
      PromiseOutcome outcome = checker.check(new PromiseRequest(new PartitionContext("slappart9", partition, "COMP-1",
          "", "", List.of(), Map.of()), PromiseMode.TEST, true, Duration.ofSeconds(20), "", null, null))
          .outcomes().get(0);
      assertEquals("uid " + NOBODY, outcome.result().message());
      assertEquals(NOBODY, Files.getAttribute(partition.resolve(".slapgrid/promise/log/whoami.log"), "unix:uid"));
    } finally {
      checker.deactivate();
    }
  }

  private static Path copyStandIn(Path target) throws Exception {
    Path source = Path.of(PrivilegeDropTest.class.getResource("standin/slapos/__init__.py").toURI()).getParent()
        .getParent();
    try (var files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return target;
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
