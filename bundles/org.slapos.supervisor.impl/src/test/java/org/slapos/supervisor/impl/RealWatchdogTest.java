package org.slapos.supervisor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slapos.supervisor.api.PartitionPrograms;
import org.slapos.supervisor.api.SupervisorSettings;

/**
 * The watchdog as supervisord's event listener: a crashing {@code etc/service} program bangs a
 * recording master on loopback once per deployment; an {@code etc/run} program never does.
 */
class RealWatchdogTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private RealSupervisor real;
  private HttpServer master;
  private final List<String> bangs = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    real = RealSupervisor.install();
    master = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    master.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (exchange.getRequestURI().getPath().endsWith("/softwareInstanceBang")) {
        bangs.add(URLDecoder.decode(body, StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    master.start();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      real.close();
    } finally {
      master.stop(0);
    }
  }

  private static String quote(String value) {
    return "'" + value.replace("%", "%%").replace("'", "'\"'\"'") + "'";
  }

  @Test
  void crashingServiceBangsOncePerDeployment() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String masterUrl = "http://127.0.0.1:" + master.getAddress().getPort() + "/";
    SupervisorSettings probe = real.instanceRoot("");
    String command = String.join(" ", quote(java), "-cp", quote(classPath), WatchdogMain.class.getName(),
        quote(masterUrl), quote("COMP-1"), quote(probe.instanceRoot().toString()));
    SupervisorSettings settings = new SupervisorSettings(probe.instanceRoot(), command);
    NodeSupervisorComponent supervisor = (NodeSupervisorComponent) real.service();
    supervisor.writeNodeConfiguration(settings);
    supervisor.ensureRunning(settings);
    PartitionPrograms partition = real.partition(settings, "slappart0");
    real.program(partition.directory().resolve("etc/service/crash"), "#!/bin/sh\necho crashing\nexit 3\n");
    real.program(partition.directory().resolve("etc/run/quick"), "#!/bin/sh\nexit 3\n");
    Path timestamp = partition.directory().resolve(".timestamp");
    Files.writeString(timestamp, "1700000000");

    supervisor.startPartition(settings, partition);

    RealSupervisor.await("a bang", WAIT, () -> bangs.size() == 1);
    String bang = bangs.get(0);
    assertTrue(bang.contains("computer_id=COMP-1"), bang);
    assertTrue(bang.contains("computer_partition_id=slappart0"), bang);
    assertTrue(bang.contains("message=crash-on-watch process in partition slappart0 encountered a problem"), bang);
    Path bangFile = partition.directory().resolve(".slapos_latest_bang_timestamp");
    RealSupervisor.await("the bang timestamp", WAIT, () -> read(bangFile).equals("1700000000"));

    // Crashing again in the same deployment: no bang. Events reach the listener in order, so the bang of
    // another partition crashing afterwards proves that this crash was handled without one.
    restart(supervisor, settings, partition, "slappart0");
    awaitExited(supervisor, settings, "slappart0");
    PartitionPrograms other = real.partition(settings, "slappart1");
    real.program(other.directory().resolve("etc/service/crash"), "#!/bin/sh\nexit 1\n");
    supervisor.startPartition(settings, other);
    RealSupervisor.await("the other partition's bang", WAIT, () -> bangs.size() >= 2);
    assertTrue(bangs.get(1).contains("computer_partition_id=slappart1"), bangs.toString());
    assertEquals(2, bangs.size(), bangs.toString());
    RealSupervisor.await("the never-deployed partition's bang timestamp", WAIT,
        () -> read(other.directory().resolve(".slapos_latest_bang_timestamp")).equals("0"));

    // After a new deployment, the next crash bangs again.
    Files.writeString(timestamp, "1700000100");
    restart(supervisor, settings, partition, "slappart0");
    RealSupervisor.await("the new deployment's bang", WAIT, () -> bangs.size() >= 3);
    assertTrue(bangs.get(2).contains("computer_partition_id=slappart0"), bangs.toString());
    assertTrue(bangs.stream().noneMatch(b -> b.contains("quick")), bangs.toString());
    RealSupervisor.await("the new bang timestamp", WAIT, () -> read(bangFile).equals("1700000100"));
  }

  /** Starts the group again once its programs have exited. */
  private void restart(NodeSupervisorComponent supervisor, SupervisorSettings settings, PartitionPrograms partition,
      String group) throws Exception {
    awaitExited(supervisor, settings, group);
    supervisor.startPartition(settings, partition);
  }

  private void awaitExited(NodeSupervisorComponent supervisor, SupervisorSettings settings, String group) {
    RealSupervisor.await(group + "'s programs exited", WAIT, () -> {
      try {
        return supervisor.processes(settings).stream().filter(p -> p.group().equals(group))
            .allMatch(p -> p.state().equals("EXITED"));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
