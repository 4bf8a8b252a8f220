package org.slapos.node.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.config.ConfigException;
import org.slapos.config.ConfigLocator;
import org.slapos.config.SlaposConfig;
import org.slapos.node.daemon.api.NodeLoops;

/**
 * {@code slapos node daemon}: turns this runtime into the node's long-running agent. From slapos.cfg's
 * {@code [daemon]} section it configures, through Configuration Admin, the loops (software, instance,
 * report, collect, after {@code node boot}), the remote shell (SSH, only when an authorized_keys file
 * exists) and the deploy folder watched by File Install; waits until they run, prints where they are and
 * hands them to the runtime, which keeps running until the process is stopped.
 */
@Component(property = {
    SlaposCommand.NAME + "=node daemon",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=run the node's loops, remote shell and deploy folder until stopped"})
public final class NodeDaemonCommand implements SlaposCommand {
  static final String PROG = "slapos node daemon";
  static final String USAGE = "usage: slapos node daemon [-h] [--cfg CFG] [--no-boot]\n";
  static final String HELP = USAGE + """

      run the node's loops (software, instance, report, collect), its remote shell and its deploy folder
      until stopped; settings in the [daemon] section of the configuration file

      options:
        -h, --help  show this help message and exit
        --cfg CFG   SlapOS configuration file (default: $SLAPOS_CONFIGURATION or
                    /etc/opt/slapos/slapos.cfg)
        --no-boot   do not run `slapos node boot` first (the [daemon] boot setting)
      """;
  static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder(PROG, USAGE, HELP)
      .option(Arity.ONE, "--cfg")
      .option(Arity.FLAG, "--no-boot")
      .build();

  /** The remote shell's configuration PID and keys (bundle org.slapos.shell.ssh). */
  static final String SSH_PID = "org.slapos.shell.ssh";
  /** The property the remote shell's marker service carries once it listens. */
  static final String SSH_PORT_PROPERTY = "slapos.shell.ssh.port";
  /** Felix File Install's factory PID, and the name of our one instance of it. */
  static final String FILE_INSTALL_FACTORY = "org.apache.felix.fileinstall";
  static final String FILE_INSTALL_NAME = "slapos-deploy";
  /** How often File Install looks at the deploy folder: a dropped bundle runs well within 2 s. */
  static final String DEPLOY_POLL_MILLIS = "500";
  static final long READY_SECONDS = 30;
  static final int EXIT_ALREADY_RUNNING = 10;

  private final BundleContext bundleContext;
  private final ConfigurationAdmin configurationAdmin;

  @Activate
  public NodeDaemonCommand(BundleContext bundleContext, @Reference ConfigurationAdmin configurationAdmin) {
    this.bundleContext = bundleContext;
    this.configurationAdmin = configurationAdmin;
  }

  @Override
  public Set<String> optionNames() {
    return SYNTAX.optionNames();
  }

  /** The daemon's settings, from {@code [daemon]} with defaults next to the configuration file. */
  record DaemonSettings(Path configuration, boolean boot, Map<String, Long> intervals, Optional<Path> logDirectory,
      Path deployDirectory, String sshHost, int sshPort, Path authorizedKeys, Path hostKey, Path pidFile) {

    static DaemonSettings of(SlaposConfig config, Path configuration, boolean noBoot) throws CommandFailure {
      Path directory = configuration.toAbsolutePath().getParent();
      Map<String, Long> intervals = new LinkedHashMap<>();
      for (String loop : NodeLoops.LOOP_NAMES) {
        long seconds = number(config, loop + "_interval", LoopScheduler.DEFAULT_INTERVALS.get(loop).toSeconds());
        if (seconds < 0) {
          throw new CommandFailure(1, "[daemon] " + loop + "_interval in " + configuration + " must not be negative");
        }
        intervals.put(loop, seconds);
      }
      long port = number(config, "ssh_port", 2222);
      if (port < 0 || port > 65535) {
        throw new CommandFailure(1, "[daemon] ssh_port in " + configuration + " is not a port: " + port);
      }
      String instanceRoot = config.get("slapos", "instance_root", "/srv/slapgrid");
      return new DaemonSettings(configuration.toAbsolutePath(),
          !noBoot && config.getBoolean("daemon", "boot", true), intervals,
          config.get("daemon", "log_directory").filter(s -> !s.isBlank()).map(s -> directory.resolve(s)),
          directory.resolve(config.get("daemon", "deploy_directory", "deploy")),
          config.get("daemon", "ssh_host", "127.0.0.1"), (int) port,
          directory.resolve(config.get("daemon", "ssh_authorized_keys", "ssh/authorized_keys")),
          directory.resolve(config.get("daemon", "ssh_host_key", "ssh/host_key")),
          directory.resolve(config.get("daemon", "pidfile",
              Path.of(instanceRoot).resolve("var/run/slapos-node-daemon.pid").toString())));
    }

    private static long number(SlaposConfig config, String key, long fallback) throws CommandFailure {
      Optional<String> value = config.get("daemon", key).map(String::strip).filter(s -> !s.isEmpty());
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        return Long.parseLong(value.get());
      } catch (NumberFormatException e) {
        throw new CommandFailure(1, "[daemon] " + key + " in " + config.sourceName() + " is not a number: '"
            + value.get() + "'");
      }
    }
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    try {
      arguments = SYNTAX.parse(args);
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    SlaposConfig config;
    try {
      config = new ConfigLocator(context.environment(), context.homeDirectory())
          .load(ConfigLocator.Kind.NODE, arguments.value("cfg"), context.property(ConfigLocator.NODE_PROPERTY).orElse(null));
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    DaemonSettings settings = DaemonSettings.of(config, config.source(), arguments.flag("no_boot"));
    claimPidFile(settings.pidFile());
    Files.createDirectories(settings.deployDirectory());
    boolean remoteShell = Files.isRegularFile(settings.authorizedKeys());
    configureLoops(settings);
    configureDeployFolder(settings);
    configureRemoteShell(settings, remoteShell);

    await(NodeLoops.class.getName(), "(" + org.osgi.framework.Constants.OBJECTCLASS + "=" + NodeLoops.class.getName()
        + ")", "the node loops (bundle org.slapos.node.daemon)");
    Optional<Object> shell = Optional.empty();
    if (remoteShell) {
      shell = Optional.of(await(null, "(" + SSH_PORT_PROPERTY + "=*)", "the remote shell (bundle org.slapos.shell.ssh)"));
    }
    StringBuilder loops = new StringBuilder();
    settings.intervals().forEach((loop, seconds) -> loops.append(loops.length() == 0 ? "" : ", ").append(loop)
        .append(seconds == 0 ? " on demand" : " every " + seconds + " s"));
    context.out().println("Node daemon running (pid " + ProcessHandle.current().pid() + ") on "
        + settings.configuration() + (settings.boot() ? ", after node boot" : ""));
    context.out().println("Loops: " + loops);
    context.out().println("Deploy folder: " + settings.deployDirectory());
    context.out().println(shell.map(marker -> "Remote shell: ssh -p " + marker + " " + settings.sshHost()
        + " (keys: " + settings.authorizedKeys() + ")").orElse("Remote shell: off (no authorized keys file "
        + settings.authorizedKeys() + ")"));
    context.keepRuntimeRunning();
    return 0;
  }

  /**
   * One daemon per node: refuses to start (exit 10) while the pid file names another live slapos process,
   * as the grid commands' locks do; otherwise writes this process's pid.
   */
  static void claimPidFile(Path pidFile) throws CommandFailure, IOException {
    if (Files.isRegularFile(pidFile)) {
      String text = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
      try {
        long pid = Long.parseLong(text);
        boolean otherDaemon = pid != ProcessHandle.current().pid() && ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .flatMap(process -> process.info().commandLine())
            .filter(line -> line.contains("slapos"))
            .isPresent();
        if (otherDaemon) {
          throw new CommandFailure(EXIT_ALREADY_RUNNING, "A node daemon is already running with pid " + pid
              + " (" + pidFile + "), exiting.");
        }
      } catch (NumberFormatException e) {
        // Not a pid: a stale or foreign file, overwritten below.
      }
    }
    Files.createDirectories(pidFile.toAbsolutePath().getParent());
    Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
  }

  private void configureLoops(DaemonSettings settings) throws IOException {
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put(NodeLoops.CONFIGURATION, settings.configuration().toString());
    properties.put(NodeLoops.BOOT, Boolean.toString(settings.boot()));
    settings.logDirectory().ifPresent(dir -> properties.put(NodeLoops.LOG_DIRECTORY, dir.toString()));
    settings.intervals().forEach((loop, seconds) -> properties.put(loop + NodeLoops.INTERVAL_SUFFIX, seconds.toString()));
    update(configurationAdmin.getConfiguration(NodeLoops.PID, "?"), properties);
  }

  private void configureDeployFolder(DaemonSettings settings) throws IOException {
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put("felix.fileinstall.dir", settings.deployDirectory().toString());
    properties.put("felix.fileinstall.poll", DEPLOY_POLL_MILLIS);
    properties.put("felix.fileinstall.noInitialDelay", "true");
    properties.put("felix.fileinstall.bundles.new.start", "true");
    // Only bundles: configuration files dropped there must not reconfigure the node behind its back.
    properties.put("felix.fileinstall.filter", ".*\\.jar");
    update(configurationAdmin.getFactoryConfiguration(FILE_INSTALL_FACTORY, FILE_INSTALL_NAME, "?"), properties);
  }

  private void configureRemoteShell(DaemonSettings settings, boolean enabled) throws IOException {
    Configuration configuration = configurationAdmin.getConfiguration(SSH_PID, "?");
    if (!enabled) {
      if (configuration.getProperties() != null) {
        configuration.delete();
      }
      return;
    }
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put("host", settings.sshHost());
    properties.put("port", Integer.toString(settings.sshPort()));
    properties.put("authorized.keys", settings.authorizedKeys().toString());
    properties.put("host.key", settings.hostKey().toString());
    update(configuration, properties);
  }

  /** Updates a configuration only when it changes, so that running the command again restarts nothing. */
  private static void update(Configuration configuration, Hashtable<String, Object> properties) throws IOException {
    Dictionary<String, Object> current = configuration.getProperties();
    if (current != null) {
      boolean same = current.size() - countFrameworkKeys(current) == properties.size();
      for (Map.Entry<String, Object> entry : properties.entrySet()) {
        same &= entry.getValue().equals(current.get(entry.getKey()));
      }
      if (same) {
        return;
      }
    }
    configuration.update(properties);
  }

  private static int countFrameworkKeys(Dictionary<String, Object> properties) {
    int count = 0;
    for (String key : Collections.list(properties.keys())) {
      if (key.startsWith("service.") || key.equals("felix.fileinstall.filename")) {
        count++;
      }
    }
    return count;
  }

  /** Waits for a service; returns its {@link #SSH_PORT_PROPERTY} when it has one, else the service. */
  private Object await(String className, String filter, String what) throws CommandFailure, InterruptedException {
    Filter parsed;
    try {
      parsed = bundleContext.createFilter(filter);
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
    ServiceTracker<Object, Object> tracker = new ServiceTracker<>(bundleContext, parsed, null);
    tracker.open(true);
    try {
      Object service = tracker.waitForService(TimeUnit.SECONDS.toMillis(READY_SECONDS));
      if (service == null) {
        throw new CommandFailure(1, what + " did not start within " + READY_SECONDS + " s; see the log");
      }
      Object port = tracker.getServiceReference().getProperty(SSH_PORT_PROPERTY);
      return port != null ? port : service;
    } finally {
      tracker.close();
    }
  }
}
