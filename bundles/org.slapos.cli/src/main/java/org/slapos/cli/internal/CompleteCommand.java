package org.slapos.cli.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;

/**
 * {@code slapos complete [--name NAME] [--shell bash|fish|none]}: prints shell completion code for
 * every command of the distribution (this runtime's and the command index's), like the original's cliff-based command.
 */
@Component(property = {
    SlaposCommand.NAME + "=complete",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=print bash or fish completion command"})
public class CompleteCommand implements SlaposCommand {
  private static final String USAGE = "usage: slapos complete [-h] [--name NAME] [--shell {bash,fish,none}]\n";
  private static final String HELP = USAGE + """

      print bash or fish completion command

      options:
        -h, --help            show this help message and exit
        --name NAME           Command name to support with command completion
        --shell {bash,fish,none}
                              Shell being used. Use none for data only (default: bash)
      """;
  private static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos complete", USAGE, HELP)
      .option(Arity.ONE, "--name")
      .option(Arity.ONE, List.of("bash", "fish", "none"), "--shell")
      .build();

  private final CommandRegistry registry;

  @Activate
  public CompleteCommand(@Reference CommandRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Set<String> optionNames() {
    return SYNTAX.optionNames();
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    try {
      arguments = SYNTAX.parse(args);
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    String name = arguments.value("name") == null ? "slapos" : arguments.value("name");
    String shell = arguments.value("shell") == null ? "bash" : arguments.value("shell");
    if (!name.matches("[A-Za-z0-9_.-]+")) {
      return SYNTAX.usageError("argument --name: invalid program name: " + name).report(context);
    }
    Map<String, TreeSet<String>> tree = commandTree();
    switch (shell) {
      case "bash" -> context.out().print(bash(name, tree));
      case "fish" -> context.out().print(fish(name, tree));
      default -> tree.forEach((prefix, words) ->
          context.out().println((prefix.isEmpty() ? "" : prefix + " ") + String.join(" ", words)));
    }
    return 0;
  }

  /** For each command prefix ("" for the first word), the words that may follow it. */
  private Map<String, TreeSet<String>> commandTree() {
    Map<String, TreeSet<String>> tree = new LinkedHashMap<>();
    tree.put("", new TreeSet<>());
    for (CommandEntry entry : registry.catalogue()) {
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
