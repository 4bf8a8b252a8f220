package org.slapos.cli.internal.client;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slapos.command.api.CommandContext;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command-line syntax of one client command, parsed by picocli but behaving like the Python
 * {@code argparse} parser of the original: unique prefixes of long options are accepted, a later
 * {@code --node ...} replaces an earlier one, {@code -h} prints the help on stdout and exits 0, and
 * usage errors print the usage and {@code PROG: error: MESSAGE} on stderr and exit 2, with
 * argparse's messages.
 */
final class ArgumentSyntax {
  /** The option every client command has: the configuration file. */
  static final String CFG = "--cfg";

  /** argparse takes {@code -1} or {@code -.5} for a value, not for an option. */
  private static final Pattern NEGATIVE_NUMBER = Pattern.compile("^-\\d+$|^-\\d*\\.\\d+$");

  /** How many values an option takes (argparse nargs). */
  enum Arity { FLAG, ONE, ONE_OR_MORE }

  private record Option(String name, Arity arity, List<String> choices) {
  }

  private final String prog;
  private final String usage;
  private final String help;
  private final Map<String, Option> options;
  private final List<String> positionals;
  private final List<List<String>> exclusiveGroups;

  private ArgumentSyntax(Builder builder) {
    this.prog = builder.prog;
    this.usage = builder.usage;
    this.help = builder.help;
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(builder.options));
    this.positionals = List.copyOf(builder.positionals);
    this.exclusiveGroups = List.copyOf(builder.exclusiveGroups);
  }

  /**
   * @param prog the program name shown in errors, e.g. {@code slapos request}
   * @param usage argparse's {@code format_usage()} of the original, ending with a new line
   * @param help argparse's {@code format_help()} of the original, ending with a new line
   */
  static Builder builder(String prog, String usage, String help) {
    return new Builder(prog, usage, help);
  }

  /** Declares the options and positionals; {@code -h/--help} and {@code --cfg} are always there. */
  static final class Builder {
    private final String prog;
    private final String usage;
    private final String help;
    private final Map<String, Option> options = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private final List<List<String>> exclusiveGroups = new ArrayList<>();

    private Builder(String prog, String usage, String help) {
      this.prog = prog;
      this.usage = usage;
      this.help = help;
      options.put("--help", new Option("--help", Arity.FLAG, List.of()));
      option(CFG, Arity.ONE);
    }

    Builder option(String name, Arity arity) {
      return option(name, arity, List.of());
    }

    Builder option(String name, Arity arity, List<String> choices) {
      options.put(name, new Option(name, arity, List.copyOf(choices)));
      return this;
    }

    Builder positional(String name) {
      positionals.add(name);
      return this;
    }

    Builder mutuallyExclusive(String... names) {
      exclusiveGroups.add(List.of(names));
      return this;
    }

    ArgumentSyntax build() {
      return new ArgumentSyntax(this);
    }
  }

  String usage() {
    return usage;
  }

  String help() {
    return help;
  }

  /**
   * @throws Exit when the command must stop here: help requested, or a usage error
   */
  Arguments parse(List<String> args) throws Exit {
    List<String> tokens = normalise(args);
    ParseResult result;
    try {
      result = new CommandLine(spec())
          .setExpandAtFiles(false)
          .setOverwrittenOptionsAllowed(true)
          .setUnmatchedArgumentsAllowed(true)
          .setUnmatchedOptionsAllowedAsOptionParameters(false)
          .parseArgs(tokens.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw usageError(e.getMessage());
    }
    checkExclusiveGroups(result, tokens);
    checkChoices(result);
    if (result.matchedPositionals().size() < positionals.size()) {
      throw usageError("the following arguments are required: "
          + String.join(", ", positionals.subList(result.matchedPositionals().size(), positionals.size())));
    }
    if (!result.unmatched().isEmpty()) {
      throw usageError("unrecognized arguments: " + String.join(" ", result.unmatched()));
    }
    return new Arguments(result);
  }

  /** A usage error found after parsing (e.g. a file argparse could not open). */
  Exit usageError(String message) {
    return new Exit(this, message);
  }

  private CommandSpec spec() {
    CommandSpec spec = CommandSpec.create();
    for (Option option : options.values()) {
      OptionSpec.Builder builder = option.name().equals("--help")
          ? OptionSpec.builder("-h", "--help").usageHelp(true)
          : OptionSpec.builder(option.name());
      switch (option.arity()) {
        case FLAG -> builder.arity("0").type(boolean.class);
        case ONE -> builder.arity("1").type(String.class);
        // normalise() passes each value as its own "--name=value": one value per occurrence.
        case ONE_OR_MORE -> builder.arity("1").type(List.class).auxiliaryTypes(String.class);
        default -> throw new IllegalStateException(option.arity().name());
      }
      spec.addOption(builder.build());
    }
    for (int i = 0; i < positionals.size(); i++) {
      spec.addPositional(PositionalParamSpec.builder().index(String.valueOf(i)).arity("1")
          .paramLabel(positionals.get(i)).type(String.class).build());
    }
    return spec;
  }

  /**
   * What argparse does before assigning values: expands unique prefixes, rejects a value given to a
   * flag, checks that options have their values, honours {@code -h} where it appears, and keeps
   * only the last occurrence of a multi-value option.
   */
  private List<String> normalise(List<String> args) throws Exit {
    List<String> tokens = new ArrayList<>();
    Map<String, int[]> lastMultiValueRange = new LinkedHashMap<>();
    List<int[]> dropped = new ArrayList<>();
    int i = 0;
    while (i < args.size()) {
      String arg = Objects.requireNonNull(args.get(i), "argument");
      if (arg.equals("--")) {
        tokens.addAll(args.subList(i, args.size()));
        break;
      }
      if (arg.equals("-h")) {
        throw new Exit(this, null);
      }
      if (!looksLikeLongOption(arg)) {
        tokens.add(arg);
        i++;
        continue;
      }
      int equals = arg.indexOf('=');
      String written = equals < 0 ? arg : arg.substring(0, equals);
      String explicitValue = equals < 0 ? null : arg.substring(equals + 1);
      Option option = resolve(written);
      if (option == null) {
        tokens.add(arg);
        i++;
        continue;
      }
      if (option.name().equals("--help")) {
        throw new Exit(this, null);
      }
      int start = tokens.size();
      i++;
      switch (option.arity()) {
        case FLAG -> {
          if (explicitValue != null) {
            throw usageError("argument " + option.name() + ": ignored explicit argument "
                + PythonRepr.str(explicitValue));
          }
          tokens.add(option.name());
        }
        case ONE -> {
          if (explicitValue == null) {
            if (i >= args.size() || looksLikeOption(args.get(i))) {
              throw usageError("argument " + option.name() + ": expected one argument");
            }
            explicitValue = args.get(i++);
          }
          tokens.add(option.name() + "=" + explicitValue);
        }
        case ONE_OR_MORE -> {
          // One "--name=value" token per value, so that picocli never takes what follows as values.
          if (explicitValue != null) {
            tokens.add(option.name() + "=" + explicitValue);
          } else {
            int first = i;
            while (i < args.size() && !looksLikeOption(args.get(i)) && !args.get(i).equals("--")) {
              tokens.add(option.name() + "=" + args.get(i++));
            }
            if (i == first) {
              throw usageError("argument " + option.name() + ": expected at least one argument");
            }
          }
          int[] previous = lastMultiValueRange.put(option.name(), new int[] {start, tokens.size()});
          if (previous != null) {
            dropped.add(previous);
          }
        }
        default -> throw new IllegalStateException(option.arity().name());
      }
    }
    // argparse's "store" action: a repeated --node or --parameters replaces the earlier values.
    for (int k = dropped.size() - 1; k >= 0; k--) {
      tokens.subList(dropped.get(k)[0], dropped.get(k)[1]).clear();
    }
    return tokens;
  }

  /** The option a long option string means: itself, or the only option it is a prefix of. */
  private Option resolve(String written) throws Exit {
    Option exact = options.get(written);
    if (exact != null) {
      return exact;
    }
    List<String> candidates = options.keySet().stream()
        .filter(name -> name.startsWith(written))
        .collect(Collectors.toList());
    if (candidates.size() > 1) {
      throw usageError("ambiguous option: " + written + " could match " + String.join(", ", candidates));
    }
    return candidates.isEmpty() ? null : options.get(candidates.get(0));
  }

  private static boolean looksLikeLongOption(String arg) {
    return arg.startsWith("--") && arg.length() > 2 && !arg.contains(" ");
  }

  /** argparse's test for "this is an option, not a value". */
  private static boolean looksLikeOption(String arg) {
    return arg.startsWith("-") && arg.length() > 1 && !NEGATIVE_NUMBER.matcher(arg).matches()
        && !arg.contains(" ");
  }

  private void checkExclusiveGroups(ParseResult result, List<String> tokens) throws Exit {
    for (List<String> group : exclusiveGroups) {
      List<String> present = new ArrayList<>();
      for (String token : tokens) {
        String name = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
        if (group.contains(name) && result.hasMatchedOption(name) && !present.contains(name)) {
          present.add(name);
        }
      }
      if (present.size() > 1) {
        throw usageError("argument " + present.get(1) + ": not allowed with argument " + present.get(0));
      }
    }
  }

  private void checkChoices(ParseResult result) throws Exit {
    for (Option option : options.values()) {
      if (option.choices().isEmpty() || !result.hasMatchedOption(option.name())) {
        continue;
      }
      String value = result.matchedOptionValue(option.name(), "");
      if (!option.choices().contains(value)) {
        throw usageError("argument " + option.name() + ": invalid choice: " + PythonRepr.str(value)
            + " (choose from " + option.choices().stream().map(PythonRepr::str).collect(Collectors.joining(", "))
            + ")");
      }
    }
  }

  /** The parsed arguments of one run. */
  static final class Arguments {
    private final ParseResult result;

    private Arguments(ParseResult result) {
      this.result = result;
    }

    /** The value of a single-value option, or null when absent. */
    String option(String name) {
      return result.hasMatchedOption(name) ? result.matchedOptionValue(name, (String) null) : null;
    }

    /** The values of a multi-value option, empty when absent. */
    List<String> options(String name) {
      return result.hasMatchedOption(name) ? result.matchedOptionValue(name, List.<String>of()) : List.of();
    }

    boolean flag(String name) {
      return result.hasMatchedOption(name);
    }

    String positional(int index) {
      return result.matchedPositionals().get(index).getValue();
    }

    String cfg() {
      return option(CFG);
    }
  }

  /** The command stops before running: help was asked for (exit 0) or the syntax is wrong (exit 2). */
  static final class Exit extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ArgumentSyntax syntax;

    private Exit(ArgumentSyntax syntax, String error) {
      super(error, null, false, false);
      this.syntax = syntax;
    }

    /** Prints the help or the usage error like argparse and returns the exit code. */
    int report(CommandContext context) {
      if (getMessage() == null) {
        context.out().print(syntax.help());
        context.out().flush();
        return 0;
      }
      PrintStream err = context.err();
      err.print(syntax.usage());
      err.println(syntax.prog + ": error: " + getMessage());
      err.flush();
      return 2;
    }
  }
}
