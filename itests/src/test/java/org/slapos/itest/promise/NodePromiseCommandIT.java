package org.slapos.itest.promise;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.slapos.itest.support.SlaposTestSupport.SERVICE_TIMEOUT_MILLIS;
import static org.slapos.itest.support.SlaposTestSupport.awaitService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.itest.proxy.ProxyProcess;
import org.slapos.itest.support.CapturingContext;
import org.slapos.itest.support.LocalProxy;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.InstanceRequest;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;

/**
 * {@code slapos node promise} in the node runtime (plus the promise bundles) against a real
 * slapproxy process: the partition the master wants started has its legacy promise run, a failure is
 * listed under "Finished computer partitions." with exit 2, and once the promise passes the exit is 0.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodePromiseCommandIT {
  /** When the test runs as root, partitions belong to this user, as format would arrange. */
  private static final int NOBODY = 65534;

  @Inject
  private BundleContext context;

  @Configuration
  public Option[] config() {
    // The node runtime holds the promise checker and node promise.
    return SlaposTestSupport.runtime("node");
  }

  @Test
  public void failingPromisesOfStartedPartitionsAreListedAndExitTwo() throws Exception {
    Path work = Files.createTempDirectory("node-promise-it");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (ProxyProcess proxy = ProxyProcess.start(Files.createDirectories(work.resolve("proxy")))) {
      Slap slap = awaitService(context, SlapConnector.class, null, SERVICE_TIMEOUT_MILLIS)
          .initializeConnection(proxy.url());
      LocalProxy.format(slap, ProxyProcess.COMPUTER_ID, List.of("slappart0", "slappart1"));
      ComputerPartition requested = slap.registerOpenOrder().request(InstanceRequest.builder(
          "http://sr.example/software.cfg", "promised").filter("computer_guid", ProxyProcess.COMPUTER_ID).build());
      String id = requested.getId();
      Path instanceRoot = Files.createDirectories(work.resolve("instance"));
      Path partition = Files.createDirectories(instanceRoot.resolve(id));
      Files.createDirectories(instanceRoot.resolve(id.equals("slappart0") ? "slappart1" : "slappart0"));
      Path promise = Files.createDirectories(partition.resolve("etc/promise")).resolve("check-port");
      Files.writeString(promise, "#!/bin/sh\necho 'port 8080 closed'\nexit 1\n");
      Files.setPosixFilePermissions(promise, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (isRoot()) {
        Files.setAttribute(partition, "unix:uid", NOBODY);
        Files.setAttribute(partition, "unix:gid", NOBODY);
      }
      Path cfg = work.resolve("slapos.cfg");
      Files.writeString(cfg, "[slapos]\ncomputer_id = " + ProxyProcess.COMPUTER_ID + "\nmaster_url = " + proxy.url()
          + "\nsoftware_root = " + Files.createDirectories(work.resolve("software")) + "\ninstance_root = "
          + instanceRoot + "\npidfile_instance = " + work.resolve("slapgrid-cp.pid") + "\nroot_check = false\n");
      SlaposCommand command = awaitService(context, SlaposCommand.class,
          "(" + SlaposCommand.NAME + "=node promise)", SERVICE_TIMEOUT_MILLIS);

      CapturingContext failing = new CapturingContext(work, name -> null);
      assertEquals(failing.stderr(), 2, command.run(failing, List.of("--cfg", cfg.toString(), "--now")));
      String type = slap.registerComputer(ProxyProcess.COMPUTER_ID).getComputerPartitionList().stream()
          .filter(p -> id.equals(idOf(p))).findFirst().orElseThrow().getType();
      assertTrue(failing.stderr(), failing.stderr().endsWith("Finished computer partitions.\n  " + id + "[" + type
          + "]: Promise 'check-port' failed with output: port 8080 closed\n"));
      assertTrue(Files.readString(partition.resolve(".slapgrid/promise/result/check-port.status.json"))
          .contains("\"failed\":true"));

      Files.writeString(promise, "#!/bin/sh\necho 'port 8080 answers'\n");
      CapturingContext passing = new CapturingContext(work, name -> null);
      assertEquals(passing.stderr(), 0, command.run(passing, List.of("--cfg", cfg.toString(), "--now")));
      assertFalse(passing.stderr(), passing.stderr().contains("Finished computer partitions."));
      assertFalse("the lock is released", Files.exists(work.resolve("slapgrid-cp.pid")));
    } finally {
      try (Stream<Path> tree = Files.walk(work)) {
        for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static String idOf(ComputerPartition partition) {
    try {
      return partition.getId();
    } catch (org.slapos.slap.api.ResourceNotReady e) {
      return "";
    }
  }

  private static boolean isRoot() throws java.io.IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
  }

}
