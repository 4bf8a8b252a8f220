package org.slapos.supervisor.shell;

import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.SupervisorConsole;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;

/**
 * {@code slapos node supervisord [--cfg CFG] [-n]}: writes the node's supervisord.conf (with an empty
 * watchdog command, as the original) and launches supervisord unless it already runs; with
 * {@code -n/--nodaemon} it runs in the foreground until it exits. No root check, as the original.
 */
@Component(property = {
    SlaposCommand.NAME + "=node supervisord",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=launch, if not already running, supervisor daemon"})
public final class NodeSupervisordCommand implements SlaposCommand {
  static final String USAGE = "usage: slapos node supervisord [-h] [--cfg CFG] [-n]\n";
  private static final String HELP = USAGE + """

      launch, if not already running, supervisor daemon

      options:
        -h, --help      show this help message and exit
        --cfg CFG       SlapOS configuration file (default: $SLAPOS_CONFIGURATION or
                        /etc/opt/slapos/slapos.cfg)
        -n, --nodaemon  Do not daemonize supervisord
      """;
  private static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos node supervisord", USAGE, HELP)
      .option(Arity.ONE, "--cfg")
      .option(Arity.FLAG, "-n", "--nodaemon")
      .build();

  private final NodeSupervisor supervisor;
  private final SupervisorConsole console;

  @Activate
  public NodeSupervisordCommand(@Reference NodeSupervisor supervisor, @Reference SupervisorConsole console) {
    this.supervisor = supervisor;
    this.console = console;
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
    SupervisorSettings settings = NodeConfiguration.settings(context,
        NodeConfiguration.load(context, arguments.value("cfg")), "");
    try {
      supervisor.writeNodeConfiguration(settings);
      if (arguments.flag("nodaemon")) {
        return console.runInForeground(settings);
      }
      supervisor.ensureRunning(settings);
      return 0;
    } catch (SupervisorException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
  }
}
