package org.slapos.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;

class ApplicationTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<List<String>> calls = new CopyOnWriteArrayList<>();
  private CommandRegistry registry;
  private CliContext context;

  @BeforeEach
  void setUp() {
    registry = new CommandRegistry(null);
    context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), InputStream.nullInputStream(), Map.of(),
        Path.of("/tmp"), Path.of("/root"), false, 0, false, name -> null);
    register("node", "node", "node status", (ctx, args) -> record("node", args, 0));
    register("node instance", "node", "run instance deployment", (ctx, args) -> record("node instance", args, 0));
    register("request", "client", "request an instance", (ctx, args) -> record("request", args, 0));
    register("fail", "other", "fails", (ctx, args) -> {
      throw new CommandFailure(2, "Instance foo does not exist.");
    });
    register("crash", "other", "crashes", (ctx, args) -> {
      throw new IllegalStateException("boom\nsecond line");
    });
    register("help", "other", "print detailed help", new HelpCommand(registry));
    register("complete", "other", "completion", new CompleteCommand(registry));
  }

  private int record(String name, List<String> args, int code) {
    calls.add(List.of(name, String.join(" ", args)));
    return code;
  }

  private void register(String name, String group, String summary, SlaposCommand command) {
    registry.add(name, () -> CommandEntry.of(() -> command,
        Map.of(SlaposCommand.NAME, name, SlaposCommand.GROUP, group, SlaposCommand.SUMMARY, summary)));
  }

  private int run(String... args) {
    return new Application(registry).run(List.of(args), context);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void longestCommandNameWins() {
    assertEquals(0, run("-v", "node", "instance", "--all"));
    assertEquals(List.of(List.of("node instance", "--all")), calls);
  }

  @Test
  void shorterNameMatchesWhenTheNextWordIsAnArgument() {
    assertEquals(0, run("node", "slappart0"));
    assertEquals(List.of(List.of("node", "slappart0")), calls);
  }

  @Test
  void unknownCommandExitsFiveAndListsCommands() {
    assertEquals(5, run("info", "x"));
    assertTrue(stderr().contains("the command 'info x' does not exist or is not yet implemented."), stderr());
    assertTrue(stderr().contains("'node instance'"), stderr());
  }

  @Test
  void unknownGlobalOptionExitsFive() {
    assertEquals(5, run("--bogus", "request"));
    assertTrue(calls.isEmpty());
  }

  @Test
  void noArgumentsPrintsGroupedHelp() {
    assertEquals(0, run());
    String help = stdout();
    assertTrue(help.startsWith("usage: slapos [--version]"), help);
    assertTrue(help.indexOf("client commands:") < help.indexOf("node commands:"), help);
    assertTrue(help.contains("  node instance  run instance deployment\n"), help);
  }

  @Test
  void versionOption() {
    assertEquals(0, run("--version"));
    assertTrue(stdout().startsWith("slapos "), stdout());
  }

  @Test
  void expectedFailureIsOneLineWithItsExitCode() {
    assertEquals(2, run("fail"));
    assertEquals("Instance foo does not exist.\n", stderr());
  }

  @Test
  void unexpectedFailureIsOneLineWithoutDebug() {
    assertEquals(1, run("crash"));
    assertEquals("IllegalStateException: boom\n", stderr());
  }

  @Test
  void debugShowsTheStackTrace() {
    assertEquals(1, run("--debug", "crash"));
    assertTrue(stderr().contains("at org.slapos.cli.internal"), stderr());
  }

  @Test
  void helpForOneCommandRunsItsHelpOption() {
    assertEquals(0, run("help", "node", "instance"));
    assertEquals(List.of(List.of("node instance", "--help")), calls);
    assertEquals(5, run("help", "nothing"));
  }

  @Test
  void bashCompletionListsEveryWordLevel() {
    assertEquals(0, run("complete"));
    String script = stdout();
    assertTrue(script.contains("\"\") words=\"complete crash fail help node request\""), script);
    assertTrue(script.contains("\"node\") words=\"instance\""), script);
    assertTrue(script.contains("complete -F _slapos slapos"), script);
  }

  @Test
  void completionRejectsABadShell() {
    assertEquals(2, run("complete", "--shell", "zsh"));
    assertTrue(stderr().contains("invalid choice"), stderr());
  }

  @Test
  void removedCommandsDisappear() {
    registry.remove("request");
    assertEquals(5, run("request", "a", "b"));
    assertFalse(stdout().contains("request"));
  }
}
