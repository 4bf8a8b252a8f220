package org.slapos.node.shell;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slapos.command.api.CommandFailure;

/**
 * The options of {@code slapos node format}, parsed as the original's argparse parser does:
 * {@code --name value}, {@code --name=value}, {@code -x value}, {@code -xvalue}; options not given
 * stay unset so that slapos.cfg keeps its value; an unknown option or a bad choice exits with 2.
 */
record FormatOptions(String cfg, Map<String, String> overrides, boolean now, boolean dryRun, boolean help) {

  /** dest, takes a value, names. */
  private record Option(String dest, boolean takesValue, List<String> names) {
  }

  private static final List<Option> OPTIONS = List.of(
      new Option("cfg", true, List.of("--cfg")),
      new Option("computer_xml", true, List.of("-x", "--computer_xml")),
      new Option("computer_json", true, List.of("--computer_json")),
      new Option("input_definition_file", true, List.of("-i", "--input_definition_file")),
      new Option("output_definition_file", true, List.of("-o", "--output_definition_file")),
      new Option("alter_user", true, List.of("--alter_user")),
      new Option("alter_network", true, List.of("--alter_network")),
      new Option("now", false, List.of("--now")),
      new Option("dry_run", false, List.of("-n", "--dry_run")),
      new Option("console", true, List.of("-c", "--console")),
      new Option("help", false, List.of("-h", "--help")));

  static final String USAGE = "usage: slapos node format [-h] [--cfg CFG] [-x COMPUTER_XML]\n"
      + "                          [--computer_json COMPUTER_JSON]\n"
      + "                          [-i INPUT_DEFINITION_FILE]\n"
      + "                          [-o OUTPUT_DEFINITION_FILE]\n"
      + "                          [--alter_user {True,False}]\n"
      + "                          [--alter_network {True,False}] [--now] [-n]\n"
      + "                          [-c CONSOLE]";

  static final String HELP = USAGE + "\n\ncreate users, partitions and network configuration\n\n"
      + "options:\n"
      + "  -h, --help            show this help message and exit\n"
      + "  --cfg CFG             SlapOS configuration file (default: $SLAPOS_CONFIGURATION or /etc/opt/slapos/slapos.cfg)\n"
      + "  -x COMPUTER_XML, --computer_xml COMPUTER_XML\n"
      + "                        Path to file with computer's XML. If does not exists, will be created\n"
      + "  --computer_json COMPUTER_JSON\n"
      + "                        Path to a JSON version of the computer's XML (for development only)\n"
      + "  -i INPUT_DEFINITION_FILE, --input_definition_file INPUT_DEFINITION_FILE\n"
      + "                        Path to file to read definition of computer instead of declaration.\n"
      + "  -o OUTPUT_DEFINITION_FILE, --output_definition_file OUTPUT_DEFINITION_FILE\n"
      + "                        Path to file to write definition of computer from declaration.\n"
      + "  --alter_user {True,False}\n"
      + "                        Shall slapformat alter user database (default: True)\n"
      + "  --alter_network {True,False}\n"
      + "                        Shall slapformat alter network configuration (default: True)\n"
      + "  --now                 Launch slapformat without delay (default: False)\n"
      + "  -n, --dry_run         Don't actually do anything (default: False)\n"
      + "  -c CONSOLE, --console CONSOLE\n"
      + "                        Console output (obsolete)";

  static FormatOptions parse(List<String> args) throws CommandFailure {
    Map<String, String> values = new LinkedHashMap<>();
    boolean now = false;
    boolean dryRun = false;
    boolean help = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      Option match = null;
      String inline = null;
      for (Option option : OPTIONS) {
        for (String name : option.names()) {
          if (arg.equals(name)) {
            match = option;
          } else if (option.takesValue() && name.startsWith("--") && arg.startsWith(name + "=")) {
            match = option;
            inline = arg.substring(name.length() + 1);
          } else if (option.takesValue() && !name.startsWith("--") && arg.startsWith(name) && !arg.startsWith("--")) {
            match = option;
            inline = arg.substring(name.length());
          }
        }
        if (match != null) {
          break;
        }
      }
      if (match == null) {
        throw usage("unrecognized arguments: " + arg);
      }
      if (!match.takesValue()) {
        switch (match.dest()) {
          case "now" -> now = true;
          case "dry_run" -> dryRun = true;
          default -> help = true;
        }
        continue;
      }
      if (inline == null) {
        if (i + 1 >= args.size() || (args.get(i + 1).startsWith("-") && args.get(i + 1).length() > 1)) {
          throw usage("argument " + String.join("/", match.names()) + ": expected one argument");
        }
        inline = args.get(++i);
      }
      if ((match.dest().equals("alter_user") || match.dest().equals("alter_network"))
          && !inline.equals("True") && !inline.equals("False")) {
        throw usage("argument " + match.names().get(0) + ": invalid choice: '" + inline + "' (choose from 'True', 'False')");
      }
      values.put(match.dest(), inline);
    }
    String cfg = values.remove("cfg");
    values.remove("console"); // obsolete, accepted and ignored as in the original
    return new FormatOptions(cfg, values, now, dryRun, help);
  }

  private static CommandFailure usage(String message) {
    return new CommandFailure(2, USAGE + "\nslapos node format: error: " + message);
  }
}
