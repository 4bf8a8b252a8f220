package org.slapos.node.shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.SoftwareInstaller;
import org.slapos.grid.api.SoftwareOutcome;
import org.slapos.grid.api.SoftwareRun;
import org.slapos.grid.api.SoftwareRunRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos node software}: installs and destroys the Software Releases the master lists for
 * this node, through the {@link SoftwareInstaller} service. The command does what the original's
 * {@code SlapgridCommand} does around the run, in its order (node-behavior §7.4): read slapos.cfg,
 * merge it with the command line, root check, mandatory options, files, random delay, pid-file
 * lock, run, release the lock. Exit codes: 0 every release fine, 1 a release failed or the run
 * could not take place, 2 usage error, 5 not root, 10 another run holds the lock.
 */
@Component(property = {
    SlaposCommand.NAME + "=node software",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=run software installation/deletion"})
public final class NodeSoftwareCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(NodeSoftwareCommand.class);
  static final String PROG = "slapos node software";
  /** The lock of software runs: the original's key and default. */
  static final String PIDFILE_KEY = "pidfile_software";
  static final String DEFAULT_PIDFILE = "/opt/slapos/slapgrid-sr.pid";
  static final String NOT_ROOT = "This slapos command must be run as root.";
  static final int EXIT_NOT_ROOT = 5;

  static final String USAGE = """
      usage: slapos node software [-h] [--cfg CFG] [--instance-root INSTANCE_ROOT]
                                  [--software-root SOFTWARE_ROOT]
                                  [--master-url MASTER_URL]
                                  [--computer-id COMPUTER_ID]
                                  [--supervisord-socket SUPERVISORD_SOCKET]
                                  [--supervisord-configuration-path SUPERVISORD_CONFIGURATION_PATH]
                                  [--buildout BUILDOUT] [--pidfile PIDFILE]
                                  [--key_file KEY_FILE] [--cert_file CERT_FILE]
                                  [--signature_private_key_file SIGNATURE_PRIVATE_KEY_FILE]
                                  [--master_ca_file MASTER_CA_FILE]
                                  [--certificate_repository_path CERTIFICATE_REPOSITORY_PATH]
                                  [--maximum-periodicity MAXIMUM_PERIODICITY]
                                  [--promise-timeout PROMISE_TIMEOUT]
                                  [--partition-timeout PARTITION_TIMEOUT] [--now]
                                  [--maximal_delay MAXIMAL_DELAY] [--buildout-debug]
                                  [--garbage-collect] [--force] [--develop]
                                  [--all | --only-sr ONLY_SR]
      """;

  static final String HELP = USAGE + """

      run software installation/deletion

      options:
        -h, --help            show this help message and exit
        --cfg CFG             SlapOS configuration file (default:
                              $SLAPOS_CONFIGURATION or /etc/opt/slapos/slapos.cfg)
        --instance-root INSTANCE_ROOT
                              The instance root directory location.
        --software-root SOFTWARE_ROOT
                              The software_root directory location.
        --master-url MASTER_URL
                              The master server URL. Mandatory.
        --computer-id COMPUTER_ID
                              The computer id defined in the server.
        --supervisord-socket SUPERVISORD_SOCKET
                              The socket supervisor will use.
        --supervisord-configuration-path SUPERVISORD_CONFIGURATION_PATH
                              The location where supervisord configuration will be
                              stored.
        --buildout BUILDOUT   Location of buildout binary.
        --pidfile PIDFILE     The location where pidfile will be created. Can be
                              provided by configuration file as option
                              `pidfile_software` in slapos section, otherwise
                              defaults to /opt/slapos/slapgrid-sr.pid
        --key_file KEY_FILE   SSL Authorisation key file.
        --cert_file CERT_FILE
                              SSL Authorisation certificate file.
        --signature_private_key_file SIGNATURE_PRIVATE_KEY_FILE
                              Signature private key file.
        --master_ca_file MASTER_CA_FILE
                              Root certificate of SlapOS master key.
        --certificate_repository_path CERTIFICATE_REPOSITORY_PATH
                              Path to directory where downloaded certificates would
                              be stored.
        --maximum-periodicity MAXIMUM_PERIODICITY
                              Periodicity at which buildout should be run in
                              instance.
        --promise-timeout PROMISE_TIMEOUT
                              Promise timeout in seconds (default: 20)
        --partition-timeout PARTITION_TIMEOUT
                              Partition timeout in seconds (optional)
        --now                 Launch slapgrid without delay. Default behavior.
        --maximal_delay MAXIMAL_DELAY
                              Deprecated. Will only work from configuration file in
                              the future.
        --buildout-debug      Run buildout in debug mode (with -D command line
                              switch)
        --garbage-collect     Destroy software folders that are not supplied on this
                              computer, but still present on disk.
        --force               Process anyway, even if already installed. Existing
                              extends cache will be used only when download fails.
        --develop             Same as --force (the option of older slapos versions).
        --all                 Deprecated. Use --force without --only-sr instead.
        --only-sr ONLY_SR, --only ONLY_SR
                              Force the update of a single software release (can be
                              full URL or MD5 hash), even if is already installed.
                              This option will make all other sofware releases be
                              ignored.
      """;

  static final ArgumentSyntax SYNTAX = GridOptions.addCommonOptions(ArgumentSyntax.builder(PROG, USAGE, HELP))
      .option(Arity.FLAG, "--buildout-debug")
      .option(Arity.FLAG, "--garbage-collect")
      .option(Arity.FLAG, "--force")
      .option(Arity.FLAG, "--develop")
      .option(Arity.FLAG, "--all")
      .option(Arity.ONE, "--only-sr", "--only")
      .mutuallyExclusive("--all", "--only-sr", "--only")
      .build();

  /** Tells whether this process runs as root; a parameter so that tests run as root can see exit 5. */
  @FunctionalInterface
  interface RootProbe {
    boolean runningAsRoot() throws CommandFailure;
  }

  private final SoftwareInstaller installer;
  private final RootProbe rootProbe;
  private final CountDownLatch deactivated = new CountDownLatch(1);

  @Activate
  public NodeSoftwareCommand(@Reference SoftwareInstaller installer) {
    this(installer, NodeSoftwareCommand::runningAsRoot);
  }

  NodeSoftwareCommand(SoftwareInstaller installer, RootProbe rootProbe) {
    this.installer = installer;
    this.rootProbe = rootProbe;
  }

  @Deactivate
  void deactivate() {
    deactivated.countDown();
  }

  @Override
  public Set<String> optionNames() {
    return SYNTAX.optionNames();
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    Arguments arguments;
    Map<String, String> commandLine;
    try {
      arguments = SYNTAX.parse(args);
      commandLine = GridOptions.commandLineValues(SYNTAX, arguments);
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    GridOptions options = GridOptions.load(context, arguments.value("cfg"), commandLine);
    options.checkRunnable(rootProbe);
    boolean force = arguments.flag("force") || arguments.flag("all") || arguments.flag("develop");
    SoftwareRunRequest request = new SoftwareRunRequest(options.nodeSettings(), options.develop(force),
        only(arguments.value("only_sr")), arguments.flag("buildout_debug"), arguments.flag("garbage_collect"));
    options.randomDelay(context, arguments.flag("now"), deactivated, "node software");
    Path pidFile = options.pidFile(commandLine, PIDFILE_KEY, DEFAULT_PIDFILE);
    SoftwareRun run;
    try (PidFileLock lock = PidFileLock.acquire(pidFile, context.err()::println)) {
      run = installer.run(request, line -> LOG.info("{}", line));
    } catch (GridException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    printSummary(context, request.settings(), run);
    return run.failed() ? 1 : 0;
  }

  /** {@code --only-sr}: comma-separated URLs or md5s; blank items dropped. */
  static List<String> only(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
  }

  /** One line per release, the garbage-collected directories, then the totals. */
  static void printSummary(CommandContext context, NodeSettings settings, SoftwareRun run) {
    for (SoftwareOutcome outcome : run.outcomes()) {
      String action = outcome.action().name().toLowerCase(Locale.ROOT).replace('_', ' ');
      String line = outcome.url() + ": " + action;
      if (outcome.action() == SoftwareOutcome.Action.FAILED && !outcome.message().isEmpty()) {
        line += ": " + firstLine(outcome.message());
      }
      context.out().println(line);
    }
    for (String directory : run.garbageCollected()) {
      context.out().println("Garbage collected " + settings.softwareRoot().resolve(directory));
    }
    context.out().println(totalLine(run));
  }

  /** {@code Processed 3 software releases in 4.213 s (buildout 3.902 s, node 0.311 s)}: the benchmark parses it. */
  static String totalLine(SoftwareRun run) {
    Duration node = run.total().minus(run.buildout());
    if (node.isNegative()) {
      node = Duration.ZERO;
    }
    return String.format(Locale.ROOT, "Processed %d software releases in %s s (buildout %s s, node %s s)",
        run.outcomes().size(), seconds(run.total()), seconds(run.buildout()), seconds(node));
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.3f", duration.toNanos() / 1e9);
  }

  private static String firstLine(String message) {
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline) + " ...";
  }

  /** Whether this process runs with uid 0: the owner of {@code /proc/self}, no native call needed. */
  static boolean runningAsRoot() throws CommandFailure {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
      throw new CommandFailure(1, "Cannot tell whether this process runs as root: " + e.getMessage(), e);
    }
  }
}
