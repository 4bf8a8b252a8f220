package org.slapos.cli.internal;

import java.util.List;

/**
 * The options before the command name. The launcher parses them too (to set up logging before
 * the framework starts); this copy decides what the command line does with them.
 *
 * @param verbosity -1 quiet, 0 default, +1 per -v
 * @param debug --debug: show stack traces
 * @param help -h/--help before any command
 * @param version --version
 * @param commandWords the command name and its arguments
 */
record GlobalOptions(int verbosity, boolean debug, boolean help, boolean version, List<String> commandWords) {

  static GlobalOptions parse(List<String> args) {
    int verbosity = 0;
    boolean debug = false;
    boolean help = false;
    boolean version = false;
    int i = 0;
    for (; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-v") || arg.equals("--verbose")) {
        verbosity = Math.max(verbosity, 0) + 1;
      } else if (arg.length() > 2 && arg.matches("-v+")) {
        verbosity = Math.max(verbosity, 0) + arg.length() - 1;
      } else if (arg.equals("-q") || arg.equals("--quiet")) {
        verbosity = -1;
      } else if (arg.equals("--debug")) {
        debug = true;
      } else if (arg.equals("-h") || arg.equals("--help")) {
        help = true;
      } else if (arg.equals("--version")) {
        version = true;
      } else if (arg.equals("--log-color") || arg.equals("--log-time")) {
        continue;
      } else if ((arg.equals("--log-file") || arg.equals("--logfile") || arg.equals("--log_file")) && i + 1 < args.size()) {
        i++;
      } else if (arg.startsWith("--log-file=") || arg.startsWith("--logfile=") || arg.startsWith("--log_file=")) {
        continue;
      } else {
        break;
      }
    }
    return new GlobalOptions(verbosity, debug, help, version, List.copyOf(args.subList(i, args.size())));
  }
}
