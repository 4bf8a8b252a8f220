package org.slapos.supervisor.shell;

import java.nio.file.Path;
import java.util.ArrayList;
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
import org.slapos.supervisor.api.ProcessWatchdog;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.WatchdogSettings;

/**
 * {@code slapos node watchdog --master-url URL --computer-id ID [--certificate-repository-path DIR]
 * [--instance-root-path DIR]}: the original's {@code slapos-watchdog}, supervisord's event listener
 * on standard input and output (node-behavior §5.8). {@code --instance-root}, which the original writes
 * into supervisord.conf, is accepted as argparse accepts it: a unique prefix of {@code --instance-root-path}.
 * Logs go to standard error: standard output is the protocol.
 */
@Component(property = {
    SlaposCommand.NAME + "=node watchdog",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=supervisord event listener that bangs crashing services"})
public final class NodeWatchdogCommand implements SlaposCommand {
  static final String USAGE = "usage: slapos node watchdog [-h] --master-url MASTER_URL --computer-id COMPUTER_ID\n"
      + "                            [--certificate-repository-path CERTIFICATE_REPOSITORY_PATH]\n"
      + "                            [--instance-root-path INSTANCE_ROOT_PATH]\n";
  private static final String HELP = USAGE + """

      supervisord event listener that bangs crashing services

      options:
        -h, --help            show this help message and exit
        --master-url MASTER_URL
                              The master server URL. Mandatory.
        --computer-id COMPUTER_ID
                              The computer id defined in the server.
        --certificate-repository-path CERTIFICATE_REPOSITORY_PATH
                              Path to partition certificates.
        --instance-root-path INSTANCE_ROOT_PATH
                              Path to instance root directory.
      """;
  private static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos node watchdog", USAGE, HELP)
      .option(Arity.ONE, "--master-url")
      .option(Arity.ONE, "--computer-id")
      .option(Arity.ONE, "--certificate-repository-path")
      .option(Arity.ONE, "--instance-root-path")
      .build();

  private final ProcessWatchdog watchdog;

  @Activate
  public NodeWatchdogCommand(@Reference ProcessWatchdog watchdog) {
    this.watchdog = watchdog;
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
      List<String> missing = new ArrayList<>();
      for (String required : List.of("--master-url", "--computer-id")) {
        if (arguments.value(required) == null) {
          missing.add(required);
        }
      }
      if (!missing.isEmpty()) {
        throw SYNTAX.usageError("the following arguments are required: " + String.join(", ", missing));
      }
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    String repository = arguments.value("certificate_repository_path");
    String instanceRoot = arguments.value("instance_root_path");
    WatchdogSettings settings = new WatchdogSettings(arguments.value("master_url"), arguments.value("computer_id"),
        repository == null ? null : context.workingDirectory().resolve(repository),
        instanceRoot == null ? null : context.workingDirectory().resolve(instanceRoot));
    try {
      watchdog.listen(settings, context.in(), context.out());
      return 0;
    } catch (SupervisorException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
  }
}
