package org.slapos.master.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slapos.command.api.CommandFailure;

/**
 * The options of a command, parsed like Python's argparse: {@code --name value}, {@code --name=value},
 * {@code -x value}, {@code -xvalue}; flags take no value; anything unknown is an error (exit code 2).
 */
final class Arguments {
  /** One option: its names ({@code -u}, {@code --database-uri}) and whether it takes a value. */
  record Option(String dest, boolean takesValue, String... names) {
  }

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> flags = new java.util.HashSet<>();
  private boolean help;

  private Arguments() {
  }

  static Arguments parse(String command, List<Option> options, List<String> args) throws CommandFailure {
    Arguments parsed = new Arguments();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        parsed.help = true;
        continue;
      }
      Option match = null;
      String inline = null;
      for (Option option : options) {
        for (String name : option.names()) {
          if (arg.equals(name)) {
            match = option;
          } else if (option.takesValue() && name.startsWith("--") && arg.startsWith(name + "=")) {
            match = option;
            inline = arg.substring(name.length() + 1);
          } else if (option.takesValue() && !name.startsWith("--") && arg.startsWith(name) && arg.length() > name.length()) {
            match = option;
            inline = arg.substring(name.length());
          }
        }
        if (match != null) {
          break;
        }
      }
      if (match == null) {
        unknown.add(arg);
        continue;
      }
      if (!match.takesValue()) {
        parsed.flags.add(match.dest());
        continue;
      }
      if (inline == null) {
        if (i + 1 >= args.size()) {
          throw new CommandFailure(2, "slapos " + command + ": error: argument " + String.join("/", match.names())
              + ": expected one argument");
        }
        inline = args.get(++i);
      }
      parsed.values.put(match.dest(), inline);
    }
    if (!unknown.isEmpty()) {
      throw new CommandFailure(2, "slapos " + command + ": error: unrecognized arguments: " + String.join(" ", unknown));
    }
    return parsed;
  }

  boolean help() {
    return help;
  }

  String value(String dest) {
    return values.get(dest);
  }

  boolean flag(String dest) {
    return flags.contains(dest);
  }
}
