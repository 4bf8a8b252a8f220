package org.slapos.supervisor.shell;

import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.SlaposCommand;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.SupervisorConsole;

/** {@code slapos node start [--cfg CFG] [ARGS...]}: alias for 'node supervisorctl start'. */
@Component(property = {
    SlaposCommand.NAME + "=node start",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=alias for 'node supervisorctl start'"})
public final class NodeStartCommand implements SlaposCommand {
  private final Supervisorctl supervisorctl;

  @Activate
  public NodeStartCommand(@Reference NodeSupervisor supervisor, @Reference SupervisorConsole console) {
    this.supervisorctl = new Supervisorctl(supervisor, console, NodeConfiguration::runsAsRoot);
  }

  @Override
  public Set<String> optionNames() {
    return Set.of("-h", "--help", "--cfg");
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    return supervisorctl.run(context, "node start", "alias for 'node supervisorctl start'", "start", args);
  }
}
