package org.slapos.cli.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The global options of {@code slapos}, accepted anywhere on the line as cliff's
 * {@code parse_known_args} does: {@code -v/--verbose} (repeatable, {@code -vv}), {@code -q/--quiet},
 * {@code --debug}, {@code --log-file F} ({@code --logfile}, {@code --log_file}, {@code =F}),
 * {@code --log-color}, {@code --log-time}; {@code --version} and {@code -h/--help} only before the
 * command (after it, {@code -h} is the command's). After the command name, an option the command
 * defines itself goes to the command.
 *
 * @param verbosity -1 quiet, 0 default, +1 per -v (cliff: -q sets the level to WARNING, -v adds one)
 * @param debug --debug: show stack traces
 * @param help -h/--help before any command
 * @param version --version before any command
 * @param logFile --log-file, or null
 * @param logTime false after --log-time (the original's store-false flag removes timestamps)
 */
record GlobalOptions(int verbosity, boolean debug, boolean help, boolean version, String logFile, boolean logTime) {
  static final GlobalOptions DEFAULTS = new GlobalOptions(0, false, false, false, null, true);

  private static final Set<String> LOG_FILE = Set.of("--log-file", "--logfile", "--log_file");
  private static final Pattern SHORT_FLAGS = Pattern.compile("-[vq]+");

  /**
   * The options before the command and where the command starts.
   *
   * @param options what the leading options say
   * @param rest the arguments from the first one that is not a global option on
   */
  record Leading(GlobalOptions options, List<String> rest) {
  }

  /**
   * The arguments after the command name, split between the command and the global options.
   *
   * @param options the leading options updated with the global options found after the command
   * @param commandArgs what goes to the command, in order
   */
  record Trailing(GlobalOptions options, List<String> commandArgs) {
  }

  /** Reads global options until the first argument that is not one (the command name). */
  static Leading parseLeading(List<String> args) {
    GlobalOptions options = DEFAULTS;
    int i = 0;
    while (i < args.size()) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        options = new GlobalOptions(options.verbosity, options.debug, true, options.version, options.logFile,
            options.logTime);
        i++;
        continue;
      }
      if (arg.equals("--version")) {
        options = new GlobalOptions(options.verbosity, options.debug, options.help, true, options.logFile,
            options.logTime);
        i++;
        continue;
      }
      Step step = options.apply(args, i);
      if (step == null) {
        break;
      }
      options = step.options();
      i += step.consumed();
    }
    return new Leading(options, List.copyOf(args.subList(i, args.size())));
  }

  /**
   * Takes the global options out of a command's arguments, except those named in
   * {@code commandOptions} and everything after {@code --}.
   */
  Trailing parseTrailing(List<String> args, Set<String> commandOptions) {
    GlobalOptions options = this;
    List<String> commandArgs = new ArrayList<>();
    int i = 0;
    while (i < args.size()) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        commandArgs.addAll(args.subList(i, args.size()));
        break;
      }
      String name = arg.startsWith("--") && arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      boolean commandsOwn = commandOptions.contains(name) || (SHORT_FLAGS.matcher(arg).matches()
          && (commandOptions.contains("-v") || commandOptions.contains("-q")));
      Step step = commandsOwn ? null : options.apply(args, i);
      if (step == null) {
        commandArgs.add(arg);
        i++;
      } else {
        options = step.options();
        i += step.consumed();
      }
    }
    return new Trailing(options, List.copyOf(commandArgs));
  }

  /**
   * These options as a command line of global options only ({@code -v -v --debug --log-file F}):
   * how they are handed to the launcher, which sets up logging from a command line.
   */
  String[] toArguments() {
    List<String> args = new ArrayList<>();
    if (verbosity < 0) {
      args.add("-q");
    }
    for (int i = 0; i < verbosity; i++) {
      args.add("-v");
    }
    if (debug) {
      args.add("--debug");
    }
    if (logFile != null) {
      args.add("--log-file=" + logFile);
    }
    if (!logTime) {
      args.add("--log-time");
    }
    return args.toArray(String[]::new);
  }

  /** One global option read: the options with it applied, and how many arguments it took. */
  private record Step(GlobalOptions options, int consumed) {
  }

  /** Applies the global option at {@code args[i]} (not -h, --help, --version); null if it is none. */
  private Step apply(List<String> args, int i) {
    String arg = args.get(i);
    if (arg.equals("--verbose")) {
      return new Step(new GlobalOptions(verbosity + 1, debug, help, version, logFile, logTime), 1);
    }
    if (arg.equals("--quiet")) {
      return new Step(new GlobalOptions(-1, debug, help, version, logFile, logTime), 1);
    }
    if (SHORT_FLAGS.matcher(arg).matches()) {
      // -vv, -q, and clusters such as -vq, applied left to right as argparse does.
      int level = verbosity;
      for (char flag : arg.substring(1).toCharArray()) {
        level = flag == 'v' ? level + 1 : -1;
      }
      return new Step(new GlobalOptions(level, debug, help, version, logFile, logTime), 1);
    }
    if (arg.equals("--debug")) {
      return new Step(new GlobalOptions(verbosity, true, help, version, logFile, logTime), 1);
    }
    if (arg.equals("--log-color")) {
      return new Step(this, 1);
    }
    if (arg.equals("--log-time")) {
      return new Step(new GlobalOptions(verbosity, debug, help, version, logFile, false), 1);
    }
    if (LOG_FILE.contains(arg) && i + 1 < args.size()) {
      return new Step(new GlobalOptions(verbosity, debug, help, version, args.get(i + 1), logTime), 2);
    }
    int equals = arg.indexOf('=');
    if (equals > 0 && LOG_FILE.contains(arg.substring(0, equals))) {
      return new Step(new GlobalOptions(verbosity, debug, help, version, arg.substring(equals + 1), logTime), 1);
    }
    return null;
  }
}
