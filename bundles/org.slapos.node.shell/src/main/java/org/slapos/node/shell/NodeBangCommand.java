package org.slapos.node.shell;

import java.util.List;
import java.util.Map;
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
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;

/**
 * {@code slapos node bang}: asks the master to reprocess every partition of this computer
 * ({@code computerBang}, node-behavior §7.2). Exit 0, 5 when the root check fails, 1 when the master
 * cannot be reached.
 */
@Component(property = {
    SlaposCommand.NAME + "=node bang",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=request update on all partitions"})
public final class NodeBangCommand implements SlaposCommand {
  static final String PROG = "slapos node bang";
  static final String USAGE = "usage: slapos node bang [-h] [--cfg CFG] [-m MESSAGE]\n";
  static final String HELP = USAGE + """

      request update on all partitions

      options:
        -h, --help            show this help message and exit
        --cfg CFG             SlapOS configuration file (default:
                              $SLAPOS_CONFIGURATION or /etc/opt/slapos/slapos.cfg)
        -m MESSAGE, --message MESSAGE
                              Message for bang
      """;
  static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder(PROG, USAGE, HELP)
      .option(Arity.ONE, "--cfg")
      .option(Arity.ONE, "-m", "--message")
      .build();

  private final SlapConnector connector;
  private final NodeSoftwareCommand.RootProbe rootProbe;

  @Activate
  public NodeBangCommand(@Reference SlapConnector connector) {
    this(connector, NodeSoftwareCommand::runningAsRoot);
  }

  NodeBangCommand(SlapConnector connector, NodeSoftwareCommand.RootProbe rootProbe) {
    this.connector = connector;
    this.rootProbe = rootProbe;
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
    GridOptions options = GridOptions.load(context, arguments.value("cfg"), Map.of());
    if (options.rootCheck() && !rootProbe.runningAsRoot()) {
      throw new CommandFailure(NodeSoftwareCommand.EXIT_NOT_ROOT, NodeSoftwareCommand.NOT_ROOT);
    }
    String masterUrl = options.get("master_url");
    String computerId = options.get("computer_id");
    if (masterUrl == null || masterUrl.isEmpty() || computerId == null || computerId.isEmpty()) {
      throw new CommandFailure(1, "node bang needs master_url and computer_id in [slapos]");
    }
    String message = arguments.value("message");
    context.out().println("Banging to '" + masterUrl + "'");
    try {
      connector.initializeConnection(masterUrl, options.connectionOptions()).registerComputer(computerId)
          .bang(message);
    } catch (SlapException e) {
      throw new CommandFailure(1, "bang to '" + masterUrl + "' failed: " + e.getMessage(), e);
    }
    context.out().println("Bang with message '" + (message == null ? "None" : message) + "'");
    return 0;
  }
}
