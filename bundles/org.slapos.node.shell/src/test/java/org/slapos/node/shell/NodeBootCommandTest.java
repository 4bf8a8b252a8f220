package org.slapos.node.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.api.testing.TestContext;
import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;

class NodeBootCommandTest {
  @TempDir
  Path dir;
  TestContext context;
  final List<String> calls = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    context = new TestContext(dir);
    Files.writeString(dir.resolve("slapos.cfg"), "[slapos]\ncomputer_id = COMP-3\nmaster_url = http://127.0.0.1:9\n"
        + "instance_root = " + dir.resolve("inst") + "\nroot_check = false\n\n[slapformat]\ninterface_name = lo\n"
        + "alter_network = false\n");
    context.environment.put("SLAPOS_CONFIGURATION", dir.resolve("slapos.cfg").toString());
    for (String partition : List.of("slappart0", "slappart1", "other")) {
      Files.writeString(Files.createDirectories(dir.resolve("inst").resolve(partition)).resolve(".timestamp"), "1");
    }
  }

  /** A command double answering the given exit codes in turn, recording its arguments. */
  SlaposCommand scripted(String name, Integer... codes) {
    Deque<Integer> answers = new ArrayDeque<>(List.of(codes));
    return (ctx, args) -> {
      calls.add(name + " " + String.join(" ", args));
      return answers.size() > 1 ? answers.poll() : answers.peek();
    };
  }

  @Test
  void formatsUntilItWorksThenBangsThenForgetsEveryPartitionTimestamp() throws Exception {
    NodeBootCommand boot = new NodeBootCommand(scripted("format", 1, 1, 0), scripted("bang", 1, 0), () -> false,
        Duration.ofMillis(1), Duration.ofMillis(1));
    assertEquals(0, boot.run(context, List.of()));
    String cfg = dir.resolve("slapos.cfg").toString();
    assertEquals(List.of("format --cfg " + cfg + " --now", "format --cfg " + cfg + " --now",
        "format --cfg " + cfg + " --now", "bang --cfg " + cfg + " -m Reboot", "bang --cfg " + cfg + " -m Reboot"), calls);
    assertFalse(Files.exists(dir.resolve("inst/slappart0/.timestamp")));
    assertFalse(Files.exists(dir.resolve("inst/slappart1/.timestamp")));
    assertTrue(Files.exists(dir.resolve("inst/other/.timestamp")), "only the node's partitions are reset");
    assertTrue(context.stderr().contains("2 partition timestamp(s) removed"), context.stderr());
  }

  @Test
  void rootCheckFailsWithFive() throws Exception {
    Files.writeString(dir.resolve("slapos.cfg"), "[slapos]\ncomputer_id = COMP-3\nmaster_url = http://127.0.0.1:9\n");
    NodeBootCommand boot = new NodeBootCommand(scripted("format", 0), scripted("bang", 0), () -> false,
        Duration.ofMillis(1), Duration.ofMillis(1));
    CommandFailure failure = assertThrows(CommandFailure.class, () -> boot.run(context, List.of()));
    assertEquals(5, failure.exitCode());
    assertTrue(calls.isEmpty());
  }

  @Test
  void loopbackHasNoGlobalIpv6() {
    assertFalse(NodeBootCommand.hasGlobalIpv6("lo"));
    assertFalse(NodeBootCommand.hasGlobalIpv6("no-such-interface0"));
  }

  @Test
  void bangPostsTheMessageToTheComputer() throws Exception {
    List<String> bangs = new ArrayList<>();
    Computer computer = (Computer) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Computer.class},
        (proxy, method, args) -> {
          if (method.getName().equals("bang")) {
            bangs.add(String.valueOf(args[0]));
            return null;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    SlapConnector connector = (url, options) -> (Slap) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Slap.class}, (proxy, method, args) -> {
          assertEquals("registerComputer", method.getName());
          assertEquals("COMP-3", args[0]);
          return computer;
        });
    NodeBangCommand bang = new NodeBangCommand(connector, () -> false);
    assertEquals(0, bang.run(context, List.of("-m", "Reboot")));
    assertEquals(0, bang.run(context, List.of()));
    assertEquals(List.of("Reboot", "null"), bangs);
    assertTrue(context.stdout().contains("Banging to 'http://127.0.0.1:9'"), context.stdout());
    assertTrue(context.stdout().contains("Bang with message 'Reboot'"), context.stdout());
    assertTrue(context.stdout().contains("Bang with message 'None'"), context.stdout());
  }

  @Test
  void bangThatCannotReachTheMasterIsOneLine() throws Exception {
    SlapConnector connector = (url, options) -> (Slap) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Slap.class}, (proxy, method, args) -> (Computer) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {Computer.class}, (p, m, a) -> {
              throw new ConnectionError("Connection refused");
            }));
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> new NodeBangCommand(connector, () -> false).run(context, List.of()));
    assertEquals(1, failure.exitCode());
    assertTrue(failure.getMessage().contains("Connection refused"), failure.getMessage());
  }
}
