package org.slapos.cli.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;

/**
 * {@code slapos complete [--name NAME] [--shell bash|fish|none]}: prints shell completion code for
 * the commands registered right now, like the original's cliff-based command.
 */
@Component(property = {
    SlaposCommand.NAME + "=complete",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=print bash or fish completion command"})
public class CompleteCommand implements SlaposCommand {
  private final CommandRegistry registry;

  @Activate
  public CompleteCommand(@Reference CommandRegistry registry) {
    this.registry = registry;
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    String name = "slapos";
    String shell = "bash";
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if ((arg.equals("--name") || arg.equals("--shell")) && i + 1 < args.size()) {
        if (arg.equals("--name")) {
          name = args.get(++i);
        } else {
          shell = args.get(++i);
        }
      } else if (arg.equals("-h") || arg.equals("--help")) {
        context.out().println("usage: slapos complete [-h] [--name NAME] [--shell {bash,fish,none}]");
        return 0;
      } else {
        throw new CommandFailure(2, "slapos complete: error: unrecognized arguments: " + arg);
      }
    }
    if (!name.matches("[A-Za-z0-9_.-]+")) {
      throw new CommandFailure(2, "slapos complete: error: invalid program name: " + name);
    }
    Map<String, TreeSet<String>> tree = commandTree();
    switch (shell) {
      case "bash" -> context.out().print(bash(name, tree));
      case "fish" -> context.out().print(fish(name, tree));
      case "none" -> tree.forEach((prefix, words) ->
          context.out().println((prefix.isEmpty() ? "" : prefix + " ") + String.join(" ", words)));
      default -> throw new CommandFailure(2,
          "slapos complete: error: argument --shell: invalid choice: '" + shell + "' (choose from 'bash', 'fish', 'none')");
    }
    return 0;
  }

  /** For each command prefix ("" for the first word), the words that may follow it. */
  private Map<String, TreeSet<String>> commandTree() {
    Map<String, TreeSet<String>> tree = new LinkedHashMap<>();
    tree.put("", new TreeSet<>());
    for (CommandEntry entry : registry.all()) {
      List<String> words = entry.words();
      for (int i = 0; i < words.size(); i++) {
        tree.computeIfAbsent(String.join(" ", words.subList(0, i)), k -> new TreeSet<>()).add(words.get(i));
      }
    }
    return tree;
  }

  private static String bash(String name, Map<String, TreeSet<String>> tree) {
    String function = "_" + name.replaceAll("[^A-Za-z0-9_]", "_");
    StringBuilder script = new StringBuilder();
    script.append(function).append("()\n{\n")
        .append("  local cur prefix i\n")
        .append("  COMPREPLY=()\n")
        .append("  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n")
        .append("  prefix=\"\"\n")
        .append("  for ((i = 1; i < COMP_CWORD; i++)); do\n")
        .append("    case \"${COMP_WORDS[i]}\" in -*) continue ;; esac\n")
        .append("    prefix=\"${prefix:+$prefix }${COMP_WORDS[i]}\"\n")
        .append("  done\n")
        .append("  local words=\"\"\n")
        .append("  case \"$prefix\" in\n");
    tree.forEach((prefix, words) -> script.append("    \"").append(prefix).append("\") words=\"")
        .append(String.join(" ", words)).append("\" ;;\n"));
    script.append("  esac\n")
        .append("  COMPREPLY=( $(compgen -W \"$words\" -- \"$cur\") )\n")
        .append("  return 0\n}\n")
        .append("complete -F ").append(function).append(' ').append(name).append('\n');
    return script.toString();
  }

  private static String fish(String name, Map<String, TreeSet<String>> tree) {
    StringBuilder script = new StringBuilder();
    tree.forEach((prefix, words) -> {
      String condition = prefix.isEmpty()
          ? "__fish_use_subcommand"
          : "__fish_seen_subcommand_from " + prefix.substring(prefix.lastIndexOf(' ') + 1);
      script.append("complete -c ").append(name).append(" -f -n '").append(condition).append("' -a '")
          .append(String.join(" ", words)).append("'\n");
    });
    return script.toString();
  }
}
