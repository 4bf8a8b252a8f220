package org.slapos.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * The global options of {@code slapos} ({@code -v}/{@code --verbose} (repeatable, {@code -vv}),
 * {@code -q}/{@code --quiet}, {@code --debug}, {@code --log-file F} and its aliases,
 * {@code --log-color}, {@code --log-time}, {@code --version}, {@code -h}/{@code --help}), read
 * anywhere on the line as the original (cliff, argparse's {@code parse_known_args}) does:
 * {@code slapos proxy start --cfg slapos.cfg --verbose} is verbose. The launcher only needs them
 * to set up logging and to pick the runtime; the command line bundle gets the whole line and
 * parses it again (a command's own option of the same name wins there).
 *
 * <p>A {@code --} ends option recognition: what follows is passed on as words.
 *
 * @param verbosity -1 with -q, 0 by default, +1 per -v
 * @param debug whether --debug was given
 * @param logFile the log file, or null
 * @param logTime whether the console shows timestamps (the original's --log-time turns them OFF)
 * @param help whether -h/--help was given
 * @param version whether --version was given
 * @param commandWords the words after the leading global options that are not options (nor the
 *     value of a global option): the command name comes first, so the runtime is picked from them
 */
record GlobalOptions(int verbosity, boolean debug, String logFile, boolean logTime, boolean help,
    boolean version, List<String> commandWords) {

  static GlobalOptions parse(List<String> args) {
    int verbosity = 0;
    boolean debug = false;
    String logFile = null;
    boolean logTime = true;
    boolean help = false;
    boolean version = false;
    List<String> words = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
        words.add(arg);
      } else if (arg.equals("--")) {
        optionsEnded = true;
      } else if (arg.equals("-v") || arg.equals("--verbose")) {
        verbosity = verbosity + 1;
      } else if (arg.matches("-[vq]+")) {
        // -vv, and clusters such as -vq, left to right as argparse reads them.
        for (char flag : arg.substring(1).toCharArray()) {
          verbosity = flag == 'v' ? verbosity + 1 : -1;
        }
      } else if (arg.equals("-q") || arg.equals("--quiet")) {
        verbosity = -1;
      } else if (arg.equals("--debug")) {
        debug = true;
      } else if (arg.equals("--log-color")) {
        // Colours are decided by whether stderr is a terminal; the flag is accepted for compatibility.
      } else if (arg.equals("--log-time")) {
        logTime = false;
      } else if (arg.equals("-h") || arg.equals("--help")) {
        help = true;
      } else if (arg.equals("--version")) {
        version = true;
      } else if (isLogFileOption(arg)) {
        // A missing value is the command line bundle's usage error to report; nothing to log to here.
        if (i + 1 < args.size()) {
          logFile = args.get(++i);
        }
      } else if (isLogFileOption(nameOf(arg))) {
        logFile = arg.substring(arg.indexOf('=') + 1);
      }
      // Any other option belongs to the command: not a word of its name.
    }
    return new GlobalOptions(verbosity, debug, logFile, logTime, help, version, List.copyOf(words));
  }

  private static String nameOf(String option) {
    int equals = option.indexOf('=');
    return equals < 0 ? option : option.substring(0, equals);
  }

  private static boolean isLogFileOption(String arg) {
    return arg.equals("--log-file") || arg.equals("--logfile") || arg.equals("--log_file");
  }
}
