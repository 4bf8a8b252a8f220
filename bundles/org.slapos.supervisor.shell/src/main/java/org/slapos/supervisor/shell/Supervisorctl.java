package org.slapos.supervisor.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.config.SlaposConfig;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.SupervisorConsole;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;

/**
 * What {@code node supervisorctl} and its aliases do: root check ({@code [slapos] root_check},
 * getboolean), launch supervisord unless {@code forbid_supervisord_automatic_launch}, then run the real
 * supervisorctl on the instance root's configuration with the remaining arguments, and return its exit code.
 */
final class Supervisorctl {
  static final String OPTIONS_HELP = """

      positional arguments:
        supervisor_args  parameters passed to supervisorctl

      options:
        -h, --help       show this help message and exit
        --cfg CFG        SlapOS configuration file (default: $SLAPOS_CONFIGURATION or
                         /etc/opt/slapos/slapos.cfg)
      """;

  private final NodeSupervisor supervisor;
  private final SupervisorConsole console;
  private final BooleanSupplier runsAsRoot;

  Supervisorctl(NodeSupervisor supervisor, SupervisorConsole console, BooleanSupplier runsAsRoot) {
    this.supervisor = supervisor;
    this.console = console;
    this.runsAsRoot = runsAsRoot;
  }

  /**
   * @param name the command name in messages ({@code node status})
   * @param summary the command's help line
   * @param alias the supervisorctl action put first ({@code status}), or null
   */
  int run(CommandContext context, String name, String summary, String alias, List<String> args) throws Exception {
    String usage = "usage: slapos " + name + " [-h] [--cfg CFG] ...\n";
    // argparse's REMAINDER: our own options come first, everything from the first other word on is supervisorctl's.
    String cfg = null;
    int i = 0;
    while (i < args.size()) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        context.out().print(usage + "\n" + summary + "\n" + OPTIONS_HELP);
        context.out().flush();
        return 0;
      } else if (arg.equals("--cfg")) {
        if (i + 1 >= args.size()) {
          context.err().print(usage);
          context.err().println("slapos " + name + ": error: argument --cfg: expected one argument");
          return 2;
        }
        cfg = args.get(i + 1);
        i += 2;
      } else if (arg.startsWith("--cfg=")) {
        cfg = arg.substring("--cfg=".length());
        i++;
      } else {
        break;
      }
    }
    List<String> supervisorArgs = new ArrayList<>();
    if (alias != null) {
      supervisorArgs.add(alias);
    }
    supervisorArgs.addAll(args.subList(i, args.size()));

    SlaposConfig config = NodeConfiguration.load(context, cfg);
    if (NodeConfiguration.flag(config, "root_check", true) && !runsAsRoot.getAsBoolean()) {
      throw new CommandFailure(5, NodeConfiguration.NOT_ROOT);
    }
    SupervisorSettings settings = NodeConfiguration.settings(context, config, "");
    if (!NodeConfiguration.flag(config, "forbid_supervisord_automatic_launch", false)) {
      try {
        supervisor.ensureRunning(settings);
      } catch (SupervisorException e) {
        throw new CommandFailure(1, e.getMessage(), e);
      }
    }
    List<String> command = new ArrayList<>(console.supervisorctlCommand(settings));
    command.addAll(supervisorArgs);
    return execute(context, command, supervisorArgs.isEmpty());
  }

  /** Runs supervisorctl with the caller's terminal, or with its streams pumped to and from the context's. */
  private static int execute(CommandContext context, List<String> command, boolean readsCommands) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(context.workingDirectory().toFile());
    builder.environment().clear();
    builder.environment().putAll(context.environment());
    if (context.interactive()) {
      builder.inheritIO();
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new CommandFailure(1, "Cannot run supervisorctl (" + command.get(0) + "): " + e.getMessage(), e);
    }
    List<Thread> pumps = new ArrayList<>();
    if (!context.interactive()) {
      pumps.add(pump(process.getInputStream(), context.out(), false));
      pumps.add(pump(process.getErrorStream(), context.err(), false));
      if (readsCommands) {
        // Without an action supervisorctl reads its commands from standard input.
        pump(context.in(), process.getOutputStream(), true);
      } else {
        process.getOutputStream().close();
      }
    }
    try {
      int code = process.waitFor();
      for (Thread pump : pumps) {
        pump.join();
      }
      context.out().flush();
      return code;
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      throw new CommandFailure(1, "Interrupted: supervisorctl was stopped", e);
    }
  }

  private static Thread pump(InputStream from, OutputStream to, boolean closeTarget) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        int read;
        while ((read = from.read(buffer)) >= 0) {
          to.write(buffer, 0, read);
          to.flush();
        }
      } catch (IOException e) {
        // The process or the caller went away: nothing more to copy.
      } finally {
        if (closeTarget) {
          try {
            to.close();
          } catch (IOException e) {
            // Already closed by the process's end.
          }
        }
      }
    }, "supervisorctl-pump");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
