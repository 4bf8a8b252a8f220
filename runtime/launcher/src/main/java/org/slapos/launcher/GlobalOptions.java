package org.slapos.launcher;

import java.util.List;

/**
 * The options that come before the command name ({@code slapos [-v|-q] [--debug] [--log-file F]
 * [--log-color] [--log-time] COMMAND ...}). The launcher only needs them to set up logging and to
 * pick the runtime; the command line bundle parses them again to act on the rest.
 *
 * @param verbosity -1 with -q, 0 by default, +1 per -v
 * @param debug whether --debug was given
 * @param logFile the log file, or null
 * @param logTime whether the console shows timestamps (the original's --log-time turns them OFF)
 * @param commandWords the arguments from the first non-option on
 */
record GlobalOptions(int verbosity, boolean debug, String logFile, boolean logTime, List<String> commandWords) {

  static GlobalOptions parse(List<String> args) {
    int verbosity = 0;
    boolean debug = false;
    String logFile = null;
    boolean logTime = true;
    int i = 0;
    while (i < args.size()) {
      String arg = args.get(i);
      if (arg.equals("-v") || arg.equals("--verbose")) {
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
      } else if (isLogFileOption(arg) && i + 1 < args.size()) {
        logFile = args.get(++i);
      } else if (arg.startsWith("--log-file=") || arg.startsWith("--logfile=") || arg.startsWith("--log_file=")) {
        logFile = arg.substring(arg.indexOf('=') + 1);
      } else {
        break;
      }
      i++;
    }
    return new GlobalOptions(verbosity, debug, logFile, logTime, List.copyOf(args.subList(i, args.size())));
  }

  private static boolean isLogFileOption(String arg) {
    return arg.equals("--log-file") || arg.equals("--logfile") || arg.equals("--log_file");
  }
}
