package org.slapos.standalone;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos standalone stop}: stops a standalone node, each part only if it runs. First the
 * standalone runtime (SIGTERM to the process its pid file names, then a bounded wait), so that its loops
 * cannot start the partitions again; then the node supervisord and every partition service under it
 * ({@code node supervisorctl shutdown}, then a bounded wait for its process). Exit 0 when nothing of the
 * node runs any more, 1 when a part would not stop.
 */
@Component(property = {
    SlaposCommand.NAME + "=standalone stop",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=Stop a standalone SlapOS node and its partitions' services."})
public final class StandaloneStopCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneStopCommand.class);
  /** How long each part gets to stop (a runtime ends its loops' runs; supervisord stops every service). */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  static final String USAGE = "usage: slapos standalone stop [-h] [--data-dir DIR] [--cfg CFG]\n";
  private static final String HELP = USAGE + """

      Stop a standalone SlapOS node and its partitions' services.

      options:
        -h, --help      show this help message and exit
        --data-dir DIR  data directory (default: $SLAPOS_STANDALONE_DIRECTORY or
                        ~/.slapos/standalone)
        --cfg CFG       the node of this configuration (slapos configure local)
      """;
  static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos standalone stop", USAGE, HELP)
      .option(Arity.ONE, "--data-dir")
      .option(Arity.ONE, "--cfg")
      .build();

  private final CommandWhiteboard commands;

  @Activate
  public StandaloneStopCommand(@Reference CommandWhiteboard commands) {
    this.commands = commands;
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
    StandaloneNode node = locate(context, arguments);
    Optional<ProcessHandle> runtime = node.runtime();
    if (runtime.isPresent() && runtime.get().pid() == ProcessHandle.current().pid()) {
      throw new CommandFailure(1, "This runtime is the standalone node of " + node.where()
          + ": stop it from outside (slapos standalone stop " + node.option() + ") or stop the framework");
    }
    if (runtime.isPresent()) {
      context.err().println("Stopping the standalone node (pid " + runtime.get().pid() + ") ...");
      runtime.get().destroy();
      await(runtime.get(), "The standalone node (pid " + runtime.get().pid() + ")");
      context.out().println("Standalone node stopped (pid " + runtime.get().pid() + ").");
    } else {
      context.out().println("No standalone node runs on " + node.where() + ".");
    }
    Files.deleteIfExists(node.pidFile());
    Optional<ProcessHandle> supervisord = node.supervisord();
    if (supervisord.isPresent()) {
      context.err().println("Stopping the partitions' services (supervisord pid " + supervisord.get().pid() + ") ...");
      int exit = commands.run("node supervisorctl", List.of("--cfg", node.configurationFile().toString(), "shutdown"),
          new SubcommandContext(context));
      if (exit != 0) {
        LOG.warn("node supervisorctl shutdown exited with {}; stopping supervisord by signal", exit);
        supervisord.get().destroy();
      }
      await(supervisord.get(), "The node supervisord (pid " + supervisord.get().pid() + ")");
      context.out().println("Partitions' services stopped (supervisord pid " + supervisord.get().pid() + ").");
    }
    return 0;
  }

  static StandaloneNode locate(CommandContext context, Arguments arguments) throws CommandFailure {
    String cfg = arguments.value("cfg");
    if (cfg != null) {
      if (arguments.value("data_dir") != null) {
        throw new CommandFailure(2, "--data-dir and --cfg cannot be used together");
      }
      Path file = context.workingDirectory().resolve(cfg).toAbsolutePath().normalize();
      if (!Files.isRegularFile(file)) {
        throw new CommandFailure(1, "Configuration file " + file + " does not exist");
      }
      return StandaloneNode.ofConfiguration(file);
    }
    return StandaloneNode.ofDataDirectory(StandaloneNode.dataDirectory(context, arguments.value("data_dir")));
  }

  private static void await(ProcessHandle process, String what) throws CommandFailure, InterruptedException {
    try {
      process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CommandFailure(1, what + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new CommandFailure(1, what + ": " + e.getCause(), e);
    }
  }
}
