package org.slapos.supervisor.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.testing.TestContext;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.Slap;
import org.slapos.supervisor.impl.ProcessWatchdogComponent;

/** node watchdog: the original's options (with the --instance-root abbreviation) and the protocol on stdin/stdout. */
class NodeWatchdogCommandTest {
  /** What a bang reached: URL, certificate, key, computer, partition, message. */
  private final List<String> bangs = new CopyOnWriteArrayList<>();

  private NodeWatchdogCommand command() {
    return new NodeWatchdogCommand(new ProcessWatchdogComponent((url, options) -> slap(url, options)));
  }

  private Slap slap(String url, ConnectionOptions options) {
    return (Slap) Proxy.newProxyInstance(Slap.class.getClassLoader(), new Class<?>[] {Slap.class}, (proxy, method, args) -> {
      if (!method.getName().equals("registerComputerPartition")) {
        throw new UnsupportedOperationException(method.getName());
      }
      return Proxy.newProxyInstance(ComputerPartition.class.getClassLoader(), new Class<?>[] {ComputerPartition.class},
          (p, m, a) -> {
            if (!m.getName().equals("bang")) {
              throw new UnsupportedOperationException(m.getName());
            }
            bangs.add(String.join("|", url, options.certFile().map(Path::toString).orElse("-"),
                options.keyFile().map(Path::toString).orElse("-"), (String) args[0], (String) args[1], (String) a[0]));
            return null;
          });
    });
  }

  /** A context whose standard input carries supervisord's events. */
  private static CommandContext withInput(TestContext context, String input) {
    InputStream in = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
    return new CommandContext() {
      public PrintStream out() { return context.out(); }
      public PrintStream err() { return context.err(); }
      public InputStream in() { return in; }
      public Map<String, String> environment() { return context.environment(); }
      public Path workingDirectory() { return context.workingDirectory(); }
      public Path homeDirectory() { return context.homeDirectory(); }
      public boolean debug() { return false; }
      public int verbosity() { return 0; }
      public boolean interactive() { return false; }
      public Optional<String> property(String name) { return context.property(name); }
    };
  }

  private static String event(String eventName, String payload) {
    return "ver:3.0 server:supervisor serial:1 pool:watchdog poolserial:1 eventname:" + eventName + " len:"
        + payload.getBytes(StandardCharsets.UTF_8).length + "\n" + payload;
  }

  @Test
  void theCommandLineTheOriginalWritesBangsWithThePartitionCertificate(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("slappart0"));
    Files.writeString(root.resolve("slappart0/.timestamp"), "1700000000");
    TestContext context = new TestContext(root);
    String events = event("PROCESS_STATE_EXITED", "processname:web groupname:slappart0 from_state:RUNNING expected:0 pid:1")
        + event("PROCESS_STATE_FATAL", "processname:x-on-watch groupname:slappart0 from_state:BACKOFF");

    int code = command().run(withInput(context, events), List.of("--master-url", "http://127.0.0.1:9/",
        "--certificate-repository-path", "pki", "--computer-id", "COMP-9", "--instance-root", root.toString()));

    assertEquals(0, code, context.stderr());
    assertEquals("READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n", context.stdout());
    assertEquals(List.of("http://127.0.0.1:9/|" + root.resolve("pki/slappart0.crt") + "|" + root.resolve("pki/slappart0.key")
        + "|COMP-9|slappart0|x-on-watch process in partition slappart0 encountered a problem"), bangs);
    assertEquals("1700000000", Files.readString(root.resolve("slappart0/.slapos_latest_bang_timestamp")));
  }

  @Test
  void requiredOptionsAreUsageErrors(@TempDir Path root) throws Exception {
    TestContext context = new TestContext(root);
    assertEquals(2, command().run(context, List.of("--computer-id", "C")));
    assertTrue(context.stderr().startsWith(NodeWatchdogCommand.USAGE), context.stderr());
    assertTrue(context.stderr().contains("slapos node watchdog: error: the following arguments are required: --master-url"),
        context.stderr());

    TestContext help = new TestContext(root);
    assertEquals(0, command().run(help, List.of("-h")));
    assertTrue(help.stdout().contains("--instance-root-path INSTANCE_ROOT_PATH"), help.stdout());
  }

  @Test
  void aBrokenEventStreamFailsWithOneLine(@TempDir Path root) {
    TestContext context = new TestContext(root);
    org.slapos.command.api.CommandFailure failure = org.junit.jupiter.api.Assertions.assertThrows(
        org.slapos.command.api.CommandFailure.class, () -> command().run(withInput(context, "garbage\n"),
            List.of("--master-url", "http://127.0.0.1:9/", "--computer-id", "C")));
    assertEquals(1, failure.exitCode());
    assertEquals("Not an event header from supervisord: garbage", failure.getMessage());
  }
}
