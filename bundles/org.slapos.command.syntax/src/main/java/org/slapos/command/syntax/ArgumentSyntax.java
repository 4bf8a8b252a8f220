package org.slapos.command.syntax;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slapos.slap.marshal.PyRepr;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command-line syntax of one command, parsed by picocli but behaving like the Python
 * {@code argparse} parser of the original: unique prefixes of long options are accepted, short
 * options take attached values ({@code -uFILE}) and cluster ({@code -ab}), a later occurrence of an
 * option replaces an earlier one, {@code -h}/{@code --help} print the help on stdout and exit 0,
 * and usage errors print the usage and {@code PROG: error: MESSAGE} on stderr and exit 2, with
 * argparse's messages.
 * <p>Immutable and thread-safe once built; a command usually keeps one in a constant:
 * <pre>
 * private static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos proxy show", USAGE, HELP)
 *     .option(Arity.ONE, "--cfg")
 *     .option(Arity.ONE, "-u", "--database-uri")
 *     .option(Arity.FLAG, "--computers")
 *     .build();
 *
 * public int run(CommandContext context, List&lt;String&gt; args) throws Exception {
 *   Arguments arguments;
 *   try {
 *     arguments = SYNTAX.parse(args);
 *   } catch (SyntaxExit exit) {
 *     return exit.report(context);
 *   }
 *   String database = arguments.value("database_uri");
 *   ...
 * }
 *
 * public Set&lt;String&gt; optionNames() {
 *   return SYNTAX.optionNames();
 * }
 * </pre>
 */
public final class ArgumentSyntax {
  /** argparse takes {@code -1} or {@code -.5} for a value, not for an option. */
  private static final Pattern NEGATIVE_NUMBER = Pattern.compile("^-\\d+$|^-\\d*\\.\\d+$");

  /** How many values an option takes (argparse's {@code nargs}). */
  public enum Arity {
    /** No value: {@code action='store_true'}. */
    FLAG,
    /** One value. */
    ONE,
    /** One or more values ({@code nargs='+'}); a later occurrence replaces the earlier values. */
    ONE_OR_MORE
  }

  /** One option: its names as written ({@code -u}, {@code --database-uri}) and argparse's dest. */
  private record Option(List<String> names, String dest, Arity arity, List<String> choices) {
    /** How argparse names the option in messages: {@code -u/--database-uri}. */
    String display() {
      return String.join("/", names);
    }

    boolean isHelp() {
      return dest.equals("help");
    }
  }

  private final String prog;
  private final String usage;
  private final String help;
  /** Every option string ({@code -u}, {@code --database-uri}...) to its option. */
  private final Map<String, Option> byName;
  private final Map<String, Option> byDest;
  private final List<String> positionals;
  private final int requiredPositionals;
  private final List<List<String>> exclusiveGroups;

  private ArgumentSyntax(Builder builder) {
    this.prog = builder.prog;
    this.usage = builder.usage;
    this.help = builder.help;
    Map<String, Option> names = new LinkedHashMap<>();
    Map<String, Option> dests = new LinkedHashMap<>();
    for (Option option : builder.options) {
      option.names().forEach(name -> names.put(name, option));
      dests.put(option.dest(), option);
    }
    this.byName = Collections.unmodifiableMap(names);
    this.byDest = Collections.unmodifiableMap(dests);
    this.positionals = List.copyOf(builder.positionals);
    this.requiredPositionals = builder.requiredPositionals;
    this.exclusiveGroups = List.copyOf(builder.exclusiveGroups);
  }

  /**
   * Starts a syntax; {@code -h/--help} is always part of it.
   *
   * @param prog the program name shown in errors, e.g. {@code slapos request}
   * @param usage argparse's {@code format_usage()} of the original, ending with a new line
   * @param help argparse's {@code format_help()} of the original, ending with a new line
   */
  public static Builder builder(String prog, String usage, String help) {
    return new Builder(prog, usage, help);
  }

  /** Declares the options and positionals, in the order argparse would. */
  public static final class Builder {
    private final String prog;
    private final String usage;
    private final String help;
    private final List<Option> options = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();
    private final List<String> positionals = new ArrayList<>();
    private int requiredPositionals;
    private final List<List<String>> exclusiveGroups = new ArrayList<>();

    private Builder(String prog, String usage, String help) {
      this.prog = Objects.requireNonNull(prog, "prog");
      this.usage = Objects.requireNonNull(usage, "usage");
      this.help = Objects.requireNonNull(help, "help");
      option(Arity.FLAG, "-h", "--help");
    }

    /**
     * An option with its names, short ones ({@code -u}) and long ones ({@code --database-uri}).
     * Its dest (the key of {@link Arguments#value}) is argparse's: the first long name without its
     * dashes, {@code -} turned into {@code _} ({@code database_uri}), else the first short name's letter.
     *
     * @throws IllegalArgumentException for a name that is not an option string or is already taken
     */
    public Builder option(Arity arity, String... names) {
      return option(arity, List.of(), names);
    }

    /** An option whose value must be one of {@code choices} (argparse's {@code choices=}). */
    public Builder option(Arity arity, List<String> choices, String... names) {
      Objects.requireNonNull(arity, "arity");
      if (names.length == 0) {
        throw new IllegalArgumentException("An option needs at least one name");
      }
      for (String name : names) {
        if (!name.startsWith("-") || name.length() < 2 || name.equals("--")
            || (!name.startsWith("--") && name.length() != 2)) {
          throw new IllegalArgumentException("Not an option string: " + name);
        }
        if (!this.names.add(name)) {
          throw new IllegalArgumentException("Option " + name + " is declared twice");
        }
      }
      List<String> list = List.of(names);
      String dest = list.stream().filter(n -> n.startsWith("--")).findFirst()
          .map(n -> n.substring(2)).orElse(list.get(0).substring(1)).replace('-', '_');
      if (options.stream().anyMatch(o -> o.dest().equals(dest))) {
        throw new IllegalArgumentException("Two options share the dest " + dest);
      }
      options.add(new Option(list, dest, arity, List.copyOf(choices)));
      return this;
    }

    /** A required positional argument, named as in the usage ({@code software_url}). */
    public Builder positional(String name) {
      if (positionals.size() > requiredPositionals) {
        throw new IllegalStateException("A required positional cannot follow an optional one");
      }
      positionals.add(Objects.requireNonNull(name, "name"));
      requiredPositionals++;
      return this;
    }

    /** An optional positional argument ({@code nargs='?'}), after the required ones. */
    public Builder optionalPositional(String name) {
      positionals.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    /** Options of which at most one may be given (argparse's mutually exclusive group). */
    public Builder mutuallyExclusive(String... names) {
      for (String name : names) {
        if (!this.names.contains(name)) {
          throw new IllegalArgumentException("Unknown option in an exclusive group: " + name);
        }
      }
      exclusiveGroups.add(List.of(names));
      return this;
    }

    public ArgumentSyntax build() {
      return new ArgumentSyntax(this);
    }
  }

  /** argparse's {@code format_usage()}: what a usage error prints first. */
  public String usage() {
    return usage;
  }

  /** argparse's {@code format_help()}: what {@code -h} prints. */
  public String help() {
    return help;
  }

  /** The program name in error messages ({@code slapos request}). */
  public String prog() {
    return prog;
  }

  /**
   * Every option string of this syntax, {@code -h} and {@code --help} included: what
   * {@code SlaposCommand.optionNames()} returns for a command built on it.
   */
  public Set<String> optionNames() {
    return byName.keySet();
  }

  /**
   * Parses the arguments after the command name.
   *
   * @throws SyntaxExit when the command must stop here: help requested, or a usage error
   */
  public Arguments parse(List<String> args) throws SyntaxExit {
    List<String> tokens = normalise(args);
    ParseResult result;
    try {
      result = new CommandLine(spec())
          .setExpandAtFiles(false)
          .setOverwrittenOptionsAllowed(true)
          .setUnmatchedArgumentsAllowed(true)
          .setUnmatchedOptionsAllowedAsOptionParameters(false)
          .setPosixClusteredShortOptionsAllowed(false)
          .parseArgs(tokens.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw usageError(e.getMessage());
    }
    checkExclusiveGroups(result, tokens);
    checkChoices(result);
    int matched = result.matchedPositionals().size();
    if (matched < requiredPositionals) {
      throw usageError("the following arguments are required: "
          + String.join(", ", positionals.subList(matched, requiredPositionals)));
    }
    if (!result.unmatched().isEmpty()) {
      throw usageError("unrecognized arguments: " + String.join(" ", result.unmatched()));
    }
    return new Arguments(this, result);
  }

  /** A usage error found after parsing (e.g. a file argparse could not open): exit 2. */
  public SyntaxExit usageError(String message) {
    return new SyntaxExit(this, Objects.requireNonNull(message, "message"));
  }

  /** The option known by this dest or option string, or null. */
  Option option(String key) {
    return key.startsWith("-") ? byName.get(key) : byDest.get(key);
  }

  /** The name picocli knows an option by: every occurrence is rewritten to it. */
  static String canonical(Option option) {
    return "--" + option.dest();
  }

  private CommandSpec spec() {
    CommandSpec spec = CommandSpec.create();
    for (Option option : byDest.values()) {
      if (option.isHelp()) {
        continue;
      }
      OptionSpec.Builder builder = OptionSpec.builder(canonical(option));
      switch (option.arity()) {
        case FLAG -> builder.arity("0").type(boolean.class);
        case ONE -> builder.arity("1").type(String.class);
        // normalise() passes each value as its own "--dest=value": one value per occurrence.
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
   * What argparse does before assigning values: expands unique prefixes of long options, splits
   * short options from their attached values and clusters, rejects a value given to a flag,
   * checks that options have their values, honours {@code -h} where it appears, and keeps only the
   * last occurrence of a multi-value option. Every option comes out as {@code --dest[=value]}.
   */
  private List<String> normalise(List<String> args) throws SyntaxExit {
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
      Option option;
      String explicitValue;
      if (looksLikeLongOption(arg)) {
        int equals = arg.indexOf('=');
        option = resolve(equals < 0 ? arg : arg.substring(0, equals));
        explicitValue = equals < 0 ? null : arg.substring(equals + 1);
      } else if (looksLikeOption(arg) && !arg.startsWith("--") && byName.containsKey(arg.substring(0, 2))) {
        option = byName.get(arg.substring(0, 2));
        String rest = arg.substring(2);
        explicitValue = rest.isEmpty() ? null : rest;
        if (option.arity() == Arity.FLAG && explicitValue != null) {
          // A cluster of flags (-ab): this one, then the rest as if written on its own (-b).
          if (option.isHelp()) {
            throw new SyntaxExit(this, null);
          }
          if (!byName.containsKey("-" + rest.charAt(0))) {
            throw usageError("argument " + option.display() + ": ignored explicit argument " + PyRepr.repr(rest));
          }
          tokens.add(canonical(option));
          args = new ArrayList<>(args);
          args.set(i, "-" + rest);
          continue;
        }
        if (explicitValue != null && explicitValue.startsWith("=")) {
          explicitValue = explicitValue.substring(1);
        }
      } else {
        tokens.add(arg);
        i++;
        continue;
      }
      if (option == null) {
        tokens.add(arg);
        i++;
        continue;
      }
      if (option.isHelp()) {
        throw new SyntaxExit(this, null);
      }
      int start = tokens.size();
      i++;
      switch (option.arity()) {
        case FLAG -> {
          if (explicitValue != null) {
            throw usageError("argument " + option.display() + ": ignored explicit argument "
                + PyRepr.repr(explicitValue));
          }
          tokens.add(canonical(option));
        }
        case ONE -> {
          if (explicitValue == null) {
            if (i >= args.size() || looksLikeOption(args.get(i))) {
              throw usageError("argument " + option.display() + ": expected one argument");
            }
            explicitValue = args.get(i++);
          }
          tokens.add(canonical(option) + "=" + explicitValue);
        }
        case ONE_OR_MORE -> {
          // One "--dest=value" token per value, so that picocli never takes what follows as values.
          if (explicitValue != null) {
            tokens.add(canonical(option) + "=" + explicitValue);
          } else {
            int first = i;
            while (i < args.size() && !looksLikeOption(args.get(i)) && !args.get(i).equals("--")) {
              tokens.add(canonical(option) + "=" + args.get(i++));
            }
            if (i == first) {
              throw usageError("argument " + option.display() + ": expected at least one argument");
            }
          }
          int[] previous = lastMultiValueRange.put(option.dest(), new int[] {start, tokens.size()});
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
  private Option resolve(String written) throws SyntaxExit {
    Option exact = byName.get(written);
    if (exact != null) {
      return exact;
    }
    List<String> candidates = byName.keySet().stream()
        .filter(name -> name.startsWith("--") && name.startsWith(written))
        .collect(Collectors.toList());
    if (candidates.size() > 1) {
      throw usageError("ambiguous option: " + written + " could match " + String.join(", ", candidates));
    }
    return candidates.isEmpty() ? null : byName.get(candidates.get(0));
  }

  private static boolean looksLikeLongOption(String arg) {
    return arg.startsWith("--") && arg.length() > 2 && !arg.contains(" ");
  }

  /** argparse's test for "this is an option, not a value". */
  private static boolean looksLikeOption(String arg) {
    return arg.startsWith("-") && arg.length() > 1 && !NEGATIVE_NUMBER.matcher(arg).matches()
        && !arg.contains(" ");
  }

  private void checkExclusiveGroups(ParseResult result, List<String> tokens) throws SyntaxExit {
    for (List<String> group : exclusiveGroups) {
      List<Option> present = new ArrayList<>();
      for (String token : tokens) {
        String name = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
        for (String member : group) {
          Option option = byName.get(member);
          if (canonical(option).equals(name) && result.hasMatchedOption(name) && !present.contains(option)) {
            present.add(option);
          }
        }
      }
      if (present.size() > 1) {
        throw usageError("argument " + present.get(1).display() + ": not allowed with argument "
            + present.get(0).display());
      }
    }
  }

  private void checkChoices(ParseResult result) throws SyntaxExit {
    for (Option option : byDest.values()) {
      if (option.choices().isEmpty() || !result.hasMatchedOption(canonical(option))) {
        continue;
      }
      String value = result.matchedOptionValue(canonical(option), "");
      if (!option.choices().contains(value)) {
        throw usageError("argument " + option.display() + ": invalid choice: " + PyRepr.repr(value)
            + " (choose from " + option.choices().stream().map(PyRepr::repr).collect(Collectors.joining(", "))
            + ")");
      }
    }
  }
}
