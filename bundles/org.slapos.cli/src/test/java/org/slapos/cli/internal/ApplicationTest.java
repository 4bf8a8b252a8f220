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
import java.util.Set;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;

class ApplicationTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<List<String>> calls = new CopyOnWriteArrayList<>();
  private final List<GlobalOptions> loggingSetups = new CopyOnWriteArrayList<>();
  private final List<org.slapos.command.api.CommandContext> contexts = new CopyOnWriteArrayList<>();
  @TempDir
  Path temporary;
  private Path index;
  private CommandRegistry registry;
  private CliContext context;

  @BeforeEach
  void setUp() {
    registry = new CommandRegistry(() -> index);
    context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), InputStream.nullInputStream(), Map.of(),
        Path.of("/tmp"), Path.of("/root"), false, 0, false, name -> null);
    register("node", "node", "node status", (ctx, args) -> record("node", args, 0));
    registerWithOptions("node report", "node", "report usage", Set.of("-h", "--help", "--logfile", "-v", "--cfg"),
        (ctx, args) -> {
          contexts.add(ctx);
          return record("node report", args, 0);
        });
    register("proxy start", "other", "minimalist, stand-alone SlapOS Master", (ctx, args) -> {
      contexts.add(ctx);
      return record("proxy start", args, 0);
    });
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

  private void registerWithOptions(String name, String group, String summary, Set<String> options,
      SlaposCommand command) {
    register(name, group, summary, new SlaposCommand() {
      @Override
      public int run(org.slapos.command.api.CommandContext context, List<String> args) throws Exception {
        return command.run(context, args);
      }

      @Override
      public Set<String> optionNames() {
        return options;
      }
    });
  }

  private void register(String name, String group, String summary, SlaposCommand command) {
    registry.add(name, () -> CommandEntry.of(CommandLease.of(command),
        Map.of(SlaposCommand.NAME, name, SlaposCommand.GROUP, group, SlaposCommand.SUMMARY, summary)));
  }

  private int run(String... args) {
    return new Application(registry, loggingSetups::add).run(List.of(args), context);
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
    assertEquals("slapos: invalid option '--bogus'\n", stderr());
    assertTrue(calls.isEmpty());
  }

  @Test
  void noArgumentsPrintsGroupedHelp() {
    assertEquals(0, run());
    String help = stdout();
    assertTrue(help.startsWith("usage: slapos [--version]"), help);
    assertTrue(help.indexOf("client commands:") < help.indexOf("node commands:"), help);
    assertTrue(help.indexOf("node commands:") < help.indexOf("other commands:"), help);
    assertTrue(help.contains("  node instance  run instance deployment\n"), help);
    assertTrue(help.contains("  node           node status\n"), help);
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
    assertTrue(script.contains("\"\") words=\"complete crash fail help node proxy request\""), script);
    assertTrue(script.contains("\"node\") words=\"instance report\""), script);
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

  // ---- global options anywhere ----

  @Test
  void globalOptionsAfterTheCommandAreTheSameAsBefore() {
    assertEquals(0, run("proxy", "start", "--cfg", "F", "--verbose", "--log-file", "L"));
    assertEquals(0, run("--verbose", "--log-file", "L", "proxy", "start", "--cfg", "F"));
    assertEquals(List.of(List.of("proxy start", "--cfg F"), List.of("proxy start", "--cfg F")), calls);
    assertEquals(1, contexts.get(0).verbosity());
    assertEquals(1, contexts.get(1).verbosity());
    // After the command, the launcher is told the whole set, since it only saw what came before.
    assertEquals(List.of(new GlobalOptions(1, false, false, false, "L", true)), loggingSetups);
  }

  @Test
  void everyGlobalOptionIsAcceptedAfterTheCommand() {
    assertEquals(0, run("proxy", "start", "-vv", "--debug", "--log-file=L", "--log-color", "--log-time", "x",
        "--logfile", "M", "-v", "--log_file=N"));
    assertEquals(List.of(List.of("proxy start", "x")), calls);
    assertEquals(3, contexts.get(0).verbosity());
    assertTrue(contexts.get(0).debug());
    assertEquals(List.of(new GlobalOptions(3, true, false, false, "N", false)), loggingSetups);
  }

  @Test
  void quietAfterTheCommandWinsOverVerboseBeforeIt() {
    assertEquals(0, run("-v", "proxy", "start", "-q"));
    assertEquals(-1, contexts.get(0).verbosity());
    assertEquals(0, run("-q", "proxy", "start", "-v"));
    assertEquals(0, contexts.get(1).verbosity());
  }

  @Test
  void shortGlobalFlagsClusterLikeArgparse() {
    assertEquals(0, run("-vq", "proxy", "start"));
    assertEquals(-1, contexts.get(0).verbosity());
    assertEquals(0, run("proxy", "start", "-qvv"));
    assertEquals(1, contexts.get(1).verbosity());
  }

  @Test
  void theCommandsOwnOptionWinsAfterTheCommandName() {
    assertEquals(0, run("--log-file", "G", "node", "report", "--logfile", "R", "-v", "-vv", "--debug", "--cfg", "C"));
    assertEquals(List.of(List.of("node report", "--logfile R -v -vv --cfg C")), calls);
    assertEquals(0, contexts.get(0).verbosity());
    assertTrue(contexts.get(0).debug());
    assertEquals(List.of(new GlobalOptions(0, true, false, false, "G", true)), loggingSetups);
  }

  @Test
  void nothingAfterDoubleDashIsGlobal() {
    assertEquals(0, run("proxy", "start", "--", "-v", "--debug"));
    assertEquals(List.of(List.of("proxy start", "-- -v --debug")), calls);
    assertEquals(0, contexts.get(0).verbosity());
    assertTrue(loggingSetups.isEmpty(), "nothing changed: logging stays as the launcher set it up");
  }

  @Test
  void helpAndVersionAfterTheCommandAreTheCommands() {
    assertEquals(0, run("proxy", "start", "-h", "--version"));
    assertEquals(List.of(List.of("proxy start", "-h --version")), calls);
    assertEquals("", stdout());
  }

  @Test
  void helpBeforeTheCommandIsTheOverview() {
    assertEquals(0, run("-v", "--help", "proxy", "start"));
    assertTrue(calls.isEmpty());
    assertTrue(stdout().startsWith("usage: slapos [--version]"), stdout());
  }

  // ---- every command of the distribution in help and completion ----

  private void writeIndex(String text) throws Exception {
    index = temporary.resolve("commands.tsv");
    Files.writeString(index, text);
  }

  @Test
  void helpAndCompletionListTheIndexedCommandsOfOtherRuntimes() throws Exception {
    writeIndex("# name\tgroup\truntime\tsummary\n"
        + "proxy show\tother\tmaster\tdisplay proxy instances and parameters\n"
        + "cachelookup url\tcachelookup\tnode\tcheck if a url is in the cache\n"
        + "request\tclient\tcli\tthe index's summary loses to the live one\n"
        + "broken line without tabs\n");
    assertEquals(0, run("help"));
    String help = stdout();
    assertTrue(help.contains("\ncachelookup commands:\n  cachelookup url  check if a url is in the cache\n"), help);
    assertTrue(help.contains("  proxy show     display proxy instances and parameters\n"), help);
    assertTrue(help.contains("  request        request an instance\n"), help);
    assertFalse(help.contains("loses"), help);
    assertTrue(help.indexOf("cachelookup commands:") < help.indexOf("client commands:"), help);
    out.reset();
    assertEquals(0, run("complete", "--shell", "none"));
    assertTrue(stdout().contains("proxy show start\n"), stdout());
    assertTrue(stdout().contains("cachelookup url\n"), stdout());
  }

  @Test
  void helpOnACommandOfAnotherRuntimeNamesThatRuntime() throws Exception {
    writeIndex("proxy show\tother\tmaster\tdisplay proxy instances and parameters\n");
    assertEquals(0, run("help", "proxy", "show"));
    assertTrue(stdout().startsWith("slapos proxy show: display proxy instances and parameters\n"), stdout());
    assertTrue(stdout().contains("runs in the master runtime"), stdout());
  }

  @Test
  void runningACommandOfAnotherRuntimeExitsFiveAndSaysWhere() throws Exception {
    writeIndex("proxy show\tother\tmaster\tdisplay proxy instances and parameters\n");
    assertEquals(5, run("proxy", "show", "--computers"));
    assertTrue(stderr().startsWith("slapos: the command 'proxy show' runs in the master runtime"), stderr());
    assertTrue(stderr().contains("'proxy show'"), stderr());
  }

  @Test
  void aMissingIndexLeavesTheRegistryOnly() {
    index = temporary.resolve("absent.tsv");
    assertEquals(0, run("help"));
    assertTrue(stdout().contains("  request        request an instance\n"), stdout());
    assertFalse(stdout().contains("proxy show"), stdout());
  }

  // ---- service objects ----

  @Test
  void everyRunGetsAndReleasesItsServiceObject() {
    AtomicInteger held = new AtomicInteger();
    AtomicInteger leases = new AtomicInteger();
    SlaposCommand command = (ctx, args) -> {
      assertEquals(1, held.get(), "the service object is held while the command runs");
      return 0;
    };
    registry.add("leased", () -> CommandEntry.of(() -> {
      held.incrementAndGet();
      leases.incrementAndGet();
      return new CommandLease(command, held::decrementAndGet);
    }, Map.of(SlaposCommand.NAME, "leased")));
    assertEquals(0, run("leased"));
    assertEquals(0, run("-v", "leased", "-q"));
    assertEquals(2, leases.get());
    assertEquals(0, held.get());
  }

  @Test
  void aCommandThatWentAwayBeforeItsRunFailsWithOneLine() {
    registry.add("gone", () -> CommandEntry.of(() -> {
      throw new IllegalStateException("The command 'gone' is no longer available");
    }, Map.of(SlaposCommand.NAME, "gone")));
    assertEquals(1, run("gone"));
    assertEquals("The command 'gone' is no longer available\n", stderr());
  }
}
