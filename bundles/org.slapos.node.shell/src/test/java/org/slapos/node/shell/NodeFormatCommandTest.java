package org.slapos.node.shell;

import org.slapos.command.api.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.format.api.ComputerDTO;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatRequest;
import org.slapos.format.api.FormatResult;
import org.slapos.format.api.PartitionFormatter;
import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;

class NodeFormatCommandTest {
  @TempDir
  Path dir;
  TestContext context;
  final AtomicReference<FormatRequest> received = new AtomicReference<>();
  final List<String> posted = new ArrayList<>();
  final List<String> postedTo = new ArrayList<>();
  Exception postFailure;
  FormatException formatFailure;

  @BeforeEach
  void setUp() throws Exception {
    context = new TestContext(dir);
    Files.writeString(dir.resolve("slapos.cfg"), "[slapos]\ncomputer_id = COMP-9\nmaster_url = http://127.0.0.1:5001\n"
        + "partition_amount = 5\n\n[slapformat]\npartition_amount = 3\nalter_user = True\ncomputer_xml = /tmp/x.xml\n");
    context.environment.put("SLAPOS_CONFIGURATION", dir.resolve("slapos.cfg").toString());
  }

  NodeFormatCommand command() {
    PartitionFormatter formatter = request -> {
      received.set(request);
      if (formatFailure != null) {
        throw formatFailure;
      }
      ComputerDTO computer = new ComputerDTO();
      computer.reference = request.options().get("computer_id");
      return new FormatResult(computer, "<marshal>payload</marshal>", List.of("useradd slapuser0"), true);
    };
    Computer computer = (Computer) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Computer.class},
        (proxy, method, args) -> {
          if (method.getName().equals("updateConfiguration")) {
            if (postFailure != null) {
              throw postFailure;
            }
            posted.add((String) args[0]);
            return "done";
          }
          throw new UnsupportedOperationException(method.getName());
        });
    SlapConnector connector = (url, options) -> {
      postedTo.add(url);
      return (Slap) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Slap.class},
          (proxy, method, args) -> {
            if (method.getName().equals("registerComputer")) {
              assertEquals("COMP-9", args[0]);
              return computer;
            }
            throw new UnsupportedOperationException(method.getName());
          });
    };
    return new NodeFormatCommand(formatter, connector);
  }

  @Test
  void formatsWithMergedOptionsAndPosts() throws Exception {
    int code = command().run(context, List.of("--now", "--alter_user", "False", "-x", "state.xml", "-c", "ignored"));
    assertEquals(0, code);
    FormatRequest request = received.get();
    assertEquals("5", request.options().get("partition_amount"), "[slapos] wins over [slapformat]");
    assertEquals("False", request.options().get("alter_user"), "the command line wins");
    assertEquals("state.xml", request.options().get("computer_xml"));
    assertNull(request.options().get("console"));
    assertEquals(dir, request.workingDirectory());
    assertEquals(List.of("<marshal>payload</marshal>"), posted);
    assertEquals(List.of("http://127.0.0.1:5001"), postedTo);
    assertTrue(context.stderr().contains("slapos successfully prepared the computer."));
  }

  @Test
  void failedPostIsExitTwo() throws Exception {
    postFailure = new ConnectionError("Connection refused");
    assertEquals(2, command().run(context, List.of("--now")));
    assertTrue(context.stderr().contains("failed to transfer information to 'http://127.0.0.1:5001': Connection refused"),
        context.stderr());
    postFailure = new NotFoundError("404");
    assertEquals(2, command().run(context, List.of("--now")));
    assertTrue(context.stderr().contains("This SlapOS node is not recognised by SlapOS Master"), context.stderr());
  }

  @Test
  void theChangesAreAppendedToTheFormatLogFile() throws Exception {
    Files.writeString(dir.resolve("slapos.cfg"), Files.readString(dir.resolve("slapos.cfg"))
        + "log_file = log/slapos-node-format.log\n");
    assertEquals(0, command().run(context, List.of("--now")));
    assertEquals(0, command().run(context, List.of("--now")));
    List<String> lines = Files.readAllLines(dir.resolve("log/slapos-node-format.log"));
    assertEquals(4, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}\\] INFO     useradd slapuser0"),
        lines.get(0));
    assertTrue(lines.get(1).endsWith("formatted: 1 change(s)"), lines.get(1));
  }

  @Test
  void dryRunPrintsAndDoesNotPost() throws Exception {
    assertEquals(0, command().run(context, List.of("--now", "-n")));
    assertTrue(received.get().dryRun());
    assertEquals("useradd slapuser0\n", context.stdout());
    assertEquals(List.of(), posted);
  }

  @Test
  void formatFailuresMapToTheOriginalsExitCodes() {
    formatFailure = new FormatException(FormatException.Code.NOT_ROOT, "This slapos command must be run as root.");
    CommandFailure e = assertThrows(CommandFailure.class, () -> command().run(context, List.of("--now")));
    assertEquals(5, e.exitCode());
    formatFailure = new FormatException(FormatException.Code.USAGE, "Parameter 'master_url' is not defined.");
    e = assertThrows(CommandFailure.class, () -> command().run(context, List.of("--now")));
    assertEquals(1, e.exitCode());
    assertEquals("Parameter 'master_url' is not defined.\nFor help use --help", e.getMessage());
    formatFailure = new FormatException(FormatException.Code.CONFIGURATION, "partition_amount must not be negative, got -1");
    e = assertThrows(CommandFailure.class, () -> command().run(context, List.of("--now")));
    assertEquals(1, e.exitCode());
    assertEquals(List.of(), posted);
  }

  @Test
  void badArgumentsAreArgparseErrors() {
    CommandFailure e = assertThrows(CommandFailure.class, () -> command().run(context, List.of("--bogus")));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().endsWith("slapos node format: error: unrecognized arguments: --bogus"), e.getMessage());
    e = assertThrows(CommandFailure.class, () -> command().run(context, List.of("--alter_network", "yes")));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().endsWith("argument --alter_network: invalid choice: 'yes' (choose from 'True', 'False')"));
    e = assertThrows(CommandFailure.class, () -> command().run(context, List.of("-x")));
    assertEquals(2, e.exitCode());
    assertNull(received.get());
  }

  @Test
  void missingSectionOrFileIsExitOne() throws Exception {
    Files.writeString(dir.resolve("slapos.cfg"), "[slapos]\ncomputer_id = COMP-9\n");
    CommandFailure e = assertThrows(CommandFailure.class, () -> command().run(context, List.of("--now")));
    assertEquals(1, e.exitCode());
    assertTrue(e.getMessage().startsWith("No section: 'slapformat'"), e.getMessage());
    e = assertThrows(CommandFailure.class, () -> command().run(context, List.of("--now", "--cfg", "/nonexistent.cfg")));
    assertEquals(1, e.exitCode());
  }

  @Test
  void helpIsPrinted() throws Exception {
    assertEquals(0, command().run(context, List.of("--help")));
    assertTrue(context.stdout().startsWith("usage: slapos node format [-h] [--cfg CFG]"));
    assertNull(received.get());
  }
}
