package org.slapos.command.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slapos.command.api.CommandContext;
import org.slapos.command.syntax.ArgumentSyntax.Arity;

/** argparse behaviour of the parser; expected messages are those of Python 3.11's argparse. */
class ArgumentSyntaxTest {
  private static final String USAGE = "usage: slapos demo [-h] [-u URI] [-a] [-b] [--mode {x,y}] [--node NODE [NODE ...]]\n"
      + "                   [--parameters P | --parameters-file F] name [script]\n";
  private static final String HELP = USAGE + "\ndemo command\n";

  private static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos demo", USAGE, HELP)
      .option(Arity.ONE, "-u", "--database-uri")
      .option(Arity.FLAG, "-a", "--all")
      .option(Arity.FLAG, "-b")
      .option(Arity.ONE, List.of("x", "y"), "--mode")
      .option(Arity.ONE_OR_MORE, "--node")
      .option(Arity.ONE, "--parameters")
      .option(Arity.ONE, "--parameters-file")
      .mutuallyExclusive("--parameters", "--parameters-file")
      .positional("name")
      .optionalPositional("script")
      .build();

  private static Arguments parse(String... args) throws SyntaxExit {
    return SYNTAX.parse(List.of(args));
  }

  private static String error(String... args) {
    SyntaxExit exit = assertThrows(SyntaxExit.class, () -> parse(args));
    assertFalse(exit.isHelp());
    return exit.getMessage();
  }

  @Test
  void optionsAreFoundByDestOrByAnyOfTheirNames() throws SyntaxExit {
    Arguments arguments = parse("-u", "db.sqlite", "n");
    assertEquals("db.sqlite", arguments.value("database_uri"));
    assertEquals("db.sqlite", arguments.value("-u"));
    assertEquals("db.sqlite", arguments.value("--database-uri"));
    assertEquals("n", arguments.positional(0));
    assertNull(arguments.positional(1));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-uFILE n | FILE",
      "-u=FILE n | FILE",
      "--database-uri=FILE n | FILE",
      "--data FILE n | FILE",
      "-u A -u FILE n | FILE",
  })
  void valuesComeInEveryArgparseSpelling(String args, String expected) throws SyntaxExit {
    assertEquals(expected, parse(args.split(" ")).value("database_uri"));
  }

  @Test
  void shortFlagsCluster() throws SyntaxExit {
    Arguments arguments = parse("-ab", "n", "s");
    assertTrue(arguments.flag("all"));
    assertTrue(arguments.flag("-b"));
    assertEquals("s", arguments.positional(1));
  }

  @Test
  void aLaterMultiValueOptionReplacesTheEarlierOne() throws SyntaxExit {
    assertEquals(List.of("c=3", "d=4"), parse("n", "--node", "a=1", "b=2", "--node", "c=3", "d=4").values("node"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'' | the following arguments are required: name",
      "n s extra | unrecognized arguments: extra",
      "n -x | unrecognized arguments: -x",
      "n -u | argument -u/--database-uri: expected one argument",
      "n -u -a | argument -u/--database-uri: expected one argument",
      "n -ax | argument -a/--all: ignored explicit argument 'x'",
      "n --all=1 | argument -a/--all: ignored explicit argument '1'",
      "n --mode z | argument --mode: invalid choice: 'z' (choose from 'x', 'y')",
      "n --param p | ambiguous option: --param could match --parameters, --parameters-file",
      "n --parameters p --parameters-file f | argument --parameters-file: not allowed with argument --parameters",
      "n --node | argument --node: expected at least one argument",
  })
  void usageErrorsHaveArgparsesMessages(String args, String message) {
    assertEquals(message, error(args.isEmpty() ? new String[0] : args.split(" ")));
  }

  @Test
  void helpAnywhereStopsParsingAndPrintsTheHelp() {
    for (List<String> args : List.of(List.of("-h"), List.of("n", "--help"), List.of("--he"), List.of("-ah"))) {
      SyntaxExit exit = assertThrows(SyntaxExit.class, () -> SYNTAX.parse(args), args.toString());
      assertTrue(exit.isHelp());
      Streams streams = new Streams();
      assertEquals(0, exit.report(streams));
      assertEquals(HELP, streams.out.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aUsageErrorPrintsTheUsageAndExitsTwo() {
    SyntaxExit exit = assertThrows(SyntaxExit.class, () -> parse("n", "--mode", "z"));
    Streams streams = new Streams();
    assertEquals(2, exit.report(streams));
    assertEquals(USAGE + "slapos demo: error: argument --mode: invalid choice: 'z' (choose from 'x', 'y')\n",
        streams.err.toString(StandardCharsets.UTF_8));
    assertEquals("", streams.out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void afterDoubleDashEverythingIsPositional() throws SyntaxExit {
    assertEquals("-a", parse("n", "--", "-a").positional(1));
  }

  @Test
  void optionNamesListEveryOptionString() {
    assertEquals(Set.of("-h", "--help", "-u", "--database-uri", "-a", "--all", "-b", "--mode", "--node",
        "--parameters", "--parameters-file"), SYNTAX.optionNames());
  }

  @Test
  void declarationMistakesFailAtBuildTime() {
    assertThrows(IllegalArgumentException.class,
        () -> ArgumentSyntax.builder("p", "", "").option(Arity.FLAG, "--help"));
    assertThrows(IllegalArgumentException.class,
        () -> ArgumentSyntax.builder("p", "", "").option(Arity.FLAG, "-long"));
    assertThrows(IllegalArgumentException.class,
        () -> ArgumentSyntax.builder("p", "", "").option(Arity.FLAG, "--log-file").option(Arity.ONE, "--log_file"));
    assertThrows(IllegalArgumentException.class, () -> parseUnknownKey());
  }

  private static void parseUnknownKey() throws SyntaxExit {
    parse("n").value("nothing");
  }

  /** A command context that records what the parser prints. */
  private static final class Streams implements CommandContext {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    @Override public PrintStream out() { return outStream; }
    @Override public PrintStream err() { return errStream; }
    @Override public InputStream in() { return InputStream.nullInputStream(); }
    @Override public Map<String, String> environment() { return Map.of(); }
    @Override public Path workingDirectory() { return Path.of("."); }
    @Override public Path homeDirectory() { return Path.of("."); }
    @Override public boolean debug() { return false; }
    @Override public int verbosity() { return 0; }
    @Override public boolean interactive() { return false; }
    @Override public Optional<String> property(String name) { return Optional.empty(); }
  }
}
