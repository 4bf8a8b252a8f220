package org.slapos.promise.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
import org.slapos.config.ConfigException;
import org.slapos.config.ConfigLocator;
import org.slapos.config.SlaposConfig;
import org.slapos.promise.api.PartitionContext;
import org.slapos.promise.api.PromiseChecker;
import org.slapos.promise.api.PromiseException;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseReport;
import org.slapos.promise.api.PromiseRequest;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos node promise} (node-behavior §7.5): runs the promises of every partition the master
 * wants {@code started} (test mode, forced, nothing reported to the master) and lists the failures.
 * Exit 0 when every promise passed, 2 when one failed or a partition could not be checked, 1 on a
 * configuration or master error, 5 when not root (with {@code root_check}), 10 when another slapos
 * run holds the lock.
 */
@Component(property = {
    SlaposCommand.NAME + "=node promise",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=run only promises to test the partition state"})
public final class NodePromiseCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(NodePromiseCommand.class);
  static final int PROMISE_FAILED = 2;
  static final int NOT_ROOT = 5;
  static final String DEFAULT_PIDFILE = "/opt/slapos/slapgrid-cp.pid";
  static final int DEFAULT_PROMISE_TIMEOUT = 20;
  private static final String STARTED = "started";
  private static final String DESTROYED = "destroyed";

  static final String USAGE = "usage: slapos node promise [-h] [--cfg CFG] [--instance-root INSTANCE_ROOT]\n"
      + "                           [--software-root SOFTWARE_ROOT] [--master-url MASTER_URL]\n"
      + "                           [--computer-id COMPUTER_ID] [--supervisord-socket SUPERVISORD_SOCKET]\n"
      + "                           [--supervisord-configuration-path SUPERVISORD_CONFIGURATION_PATH]\n"
      + "                           [--buildout BUILDOUT] [--pidfile PIDFILE] [--key_file KEY_FILE]\n"
      + "                           [--cert_file CERT_FILE] [--signature_private_key_file SIGNATURE_PRIVATE_KEY_FILE]\n"
      + "                           [--master_ca_file MASTER_CA_FILE]\n"
      + "                           [--certificate_repository_path CERTIFICATE_REPOSITORY_PATH]\n"
      + "                           [--maximum-periodicity MAXIMUM_PERIODICITY] [--promise-timeout PROMISE_TIMEOUT]\n"
      + "                           [--partition-timeout PARTITION_TIMEOUT] [--now] [--maximal_delay MAXIMAL_DELAY]\n"
      + "                           [--only-cp ONLY_CP]\n";
  private static final String HELP = USAGE + """

      run only promises to test the partition state

      options:
        -h, --help            show this help message and exit
        --cfg CFG             SlapOS configuration file (default: $SLAPOS_CONFIGURATION or
                              /etc/opt/slapos/slapos.cfg)
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
                              The location where supervisord configuration will be stored.
        --buildout BUILDOUT   Location of buildout binary.
        --pidfile PIDFILE     The location where pidfile will be created. Can be provided by
                              configuration file as option `pidfile_instance` in slapos section,
                              otherwise defaults to /opt/slapos/slapgrid-cp.pid
        --key_file KEY_FILE   SSL Authorisation key file.
        --cert_file CERT_FILE
                              SSL Authorisation certificate file.
        --signature_private_key_file SIGNATURE_PRIVATE_KEY_FILE
                              Signature private key file.
        --master_ca_file MASTER_CA_FILE
                              Root certificate of SlapOS master key.
        --certificate_repository_path CERTIFICATE_REPOSITORY_PATH
                              Path to directory where downloaded certificates would be stored.
        --maximum-periodicity MAXIMUM_PERIODICITY
                              Periodicity at which buildout should be run in instance.
        --promise-timeout PROMISE_TIMEOUT
                              Promise timeout in seconds (default: 20)
        --partition-timeout PARTITION_TIMEOUT
                              Partition timeout in seconds (optional)
        --now                 Launch slapgrid without delay. Default behavior.
        --maximal_delay MAXIMAL_DELAY
                              Deprecated. Will only work from configuration file in the future.
        --only-cp ONLY_CP, --only ONLY_CP
                              Run promise for a single or a list of computer partitions
                              (ie.:slappartX, slappartY), this option will make all other
                              computer partitions be ignored.
      """;
  /** The options that take a value, by their option string; their dest has underscores. */
  private static final List<String> VALUE_OPTIONS = List.of("--instance-root", "--software-root", "--master-url",
      "--computer-id", "--supervisord-socket", "--supervisord-configuration-path", "--buildout", "--pidfile",
      "--key_file", "--cert_file", "--signature_private_key_file", "--master_ca_file",
      "--certificate_repository_path", "--maximum-periodicity", "--promise-timeout", "--partition-timeout",
      "--maximal_delay");
  private static final List<String> INTEGER_OPTIONS = List.of("--maximum-periodicity", "--promise-timeout",
      "--partition-timeout");
  private static final ArgumentSyntax SYNTAX = syntax();

  private final PromiseChecker checker;
  private final SlapConnector connector;
  private final CountDownLatch deactivated = new CountDownLatch(1);

  @Activate
  public NodePromiseCommand(@Reference PromiseChecker checker, @Reference SlapConnector connector) {
    this.checker = checker;
    this.connector = connector;
  }

  @Deactivate
  void deactivate() {
    deactivated.countDown();
  }

  private static ArgumentSyntax syntax() {
    ArgumentSyntax.Builder builder = ArgumentSyntax.builder("slapos node promise", USAGE, HELP)
        .option(Arity.ONE, "--cfg");
    VALUE_OPTIONS.forEach(option -> builder.option(Arity.ONE, option));
    return builder.option(Arity.FLAG, "--now").option(Arity.ONE, "--only-cp", "--only").build();
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
      for (String option : INTEGER_OPTIONS) {
        String value = arguments.value(option);
        if (value != null && !value.strip().matches("[-+]?\\d+")) {
          throw SYNTAX.usageError("argument " + option + ": invalid int value: '" + value + "'");
        }
      }
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    Map<String, String> options = mergedOptions(context, arguments);
    if (rootCheck(options) && !isRoot()) {
      context.err().println("This slapos command must be run as root.");
      return NOT_ROOT;
    }
    checkMandatory(options);
    delay(context, options, arguments.flag("--now"));
    String pidfile = firstSet(options, "pidfile_instance", "pidfile");
    Path lockFile = Path.of(pidfile != null ? pidfile : DEFAULT_PIDFILE);
    try (PidLock lock = PidLock.acquire(lockFile, message -> context.err().println(message))) {
      return checkPartitions(context, options);
    } catch (PidLock.Taken taken) {
      context.err().println(taken.getMessage());
      return PidLock.LOCKED;
    } catch (IOException e) {
      throw new CommandFailure(1, "Cannot write the pid file " + lockFile + ": " + e.getMessage(), e);
    }
  }

  /** {@code [slapos]}, then {@code [networkcache]}, then the command line (node-behavior §1.8). */
  static Map<String, String> mergedOptions(CommandContext context, Arguments arguments) throws CommandFailure {
    SlaposConfig config;
    try {
      config = new ConfigLocator(context.environment(), context.homeDirectory())
          .load(ConfigLocator.Kind.NODE, arguments.value("--cfg"), context.property(ConfigLocator.NODE_PROPERTY).orElse(null));
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    if (!config.hasSection("slapos")) {
      throw new CommandFailure(1, "No section: 'slapos' in " + config.sourceName());
    }
    Map<String, String> options = new LinkedHashMap<>();
    try {
      options.putAll(config.section("slapos"));
      if (config.hasSection("networkcache")) {
        options.putAll(config.section("networkcache"));
      }
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    for (String option : VALUE_OPTIONS) {
      String value = arguments.value(option);
      if (value != null) {
        options.put(option.substring(2).replace('-', '_'), value);
      }
    }
    // --promise-timeout always has a value (default 20), so the file's promise_timeout never counts.
    options.putIfAbsent("promise_timeout", Integer.toString(DEFAULT_PROMISE_TIMEOUT));
    if (arguments.value("--promise-timeout") == null) {
      options.put("promise_timeout", Integer.toString(DEFAULT_PROMISE_TIMEOUT));
    }
    if (arguments.value("--only-cp") != null) {
      options.put("only_cp", arguments.value("--only-cp"));
    }
    return options;
  }

  private static boolean rootCheck(Map<String, String> options) throws CommandFailure {
    String value = options.getOrDefault("root_check", "True").strip().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new CommandFailure(1, "root_check: " + value + " is not a boolean");
    };
  }

  private static boolean isRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** The original's check_missing_parameters and check_missing_files. */
  static void checkMandatory(Map<String, String> options) throws CommandFailure {
    Set<String> required = new TreeSet<>(List.of("computer_id", "instance_root", "master_url", "software_root"));
    if (options.containsKey("key_file") || options.containsKey("cert_file")) {
      required.addAll(List.of("certificate_repository_path", "cert_file", "key_file"));
    }
    List<String> missing = required.stream().filter(key -> !options.containsKey(key)).toList();
    if (!missing.isEmpty()) {
      throw new CommandFailure(1, "Missing mandatory parameters: " + String.join(", ", missing));
    }
    List<String> empty = required.stream().filter(key -> options.get(key).isBlank()).toList();
    if (!empty.isEmpty()) {
      throw new CommandFailure(1, "Mandatory parameters present but empty: " + String.join(", ", empty));
    }
    for (String key : List.of("key_file", "cert_file", "master_ca_file", "signature_private_key_file")) {
      String file = options.get(key);
      if (file != null && !file.isBlank() && !Files.exists(Path.of(file))) {
        throw new CommandFailure(1, "File '" + file + "' does not exist.");
      }
    }
    String repository = options.get("certificate_repository_path");
    if (repository != null && !repository.isBlank() && !Files.isDirectory(Path.of(repository))) {
      throw new CommandFailure(1, "Directory '" + repository + "' does not exist");
    }
  }

  /** {@code maximal_delay}: a random pause spreading the nodes' load on the master, unless {@code --now}. */
  private void delay(CommandContext context, Map<String, String> options, boolean now) throws CommandFailure,
      InterruptedException {
    int maximal;
    try {
      maximal = Integer.parseInt(options.getOrDefault("maximal_delay", "0").strip());
    } catch (NumberFormatException e) {
      throw new CommandFailure(1, "maximal_delay must be an integer: " + options.get("maximal_delay"), e);
    }
    if (now || maximal <= 0) {
      return;
    }
    int seconds = 1 + new SecureRandom().nextInt(maximal);
    context.err().println("Sleeping for " + seconds + " seconds. To disable this feature, use with --now parameter in manual.");
    // The pause is the feature, not a wait for an event; it ends early when the runtime stops.
    if (deactivated.await(seconds, TimeUnit.SECONDS)) {
      throw new CommandFailure(1, "node promise interrupted: the runtime is stopping");
    }
  }

  private static String firstSet(Map<String, String> options, String... keys) {
    for (String key : keys) {
      String value = options.get(key);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  private int checkPartitions(CommandContext context, Map<String, String> options) throws Exception {
    String masterUrl = options.get("master_url");
    List<ComputerPartition> partitions;
    try {
      ConnectionOptions.Builder connection = ConnectionOptions.builder();
      if (options.get("key_file") != null && options.get("cert_file") != null) {
        connection.keyFile(Path.of(options.get("key_file"))).certFile(Path.of(options.get("cert_file")));
      }
      if (options.get("master_ca_file") != null) {
        connection.masterCaFile(Path.of(options.get("master_ca_file")));
      }
      partitions = connector.initializeConnection(masterUrl, connection.build())
          .registerComputer(options.get("computer_id")).getComputerPartitionList();
    } catch (SlapException e) {
      throw new CommandFailure(1, "Cannot get the partitions of " + options.get("computer_id") + " from "
          + masterUrl + ": " + e.getMessage(), e);
    }
    partitions = onlyRequested(partitions, options.get("only_cp"));
    context.err().println("Processing promises...");
    Path instanceRoot = Path.of(options.get("instance_root"));
    Duration timeout = Duration.ofSeconds(Long.parseLong(options.get("promise_timeout").strip()));
    List<String> failures = new ArrayList<>();
    for (ComputerPartition partition : partitions) {
      String id = partition.getId();
      Path directory = instanceRoot.resolve(id);
      if (!Files.isDirectory(directory)) {
        context.err().println("Partition directory " + directory + " does not exist.");
        continue;
      }
      String softwareUrl = softwareUrl(partition);
      String state = partition.getState();
      if (DESTROYED.equals(state) && softwareUrl == null || !STARTED.equals(state)) {
        continue;
      }
      String message;
      try {
        PromiseReport report = checker.check(request(options, partition, directory, softwareUrl, masterUrl, timeout));
        if (!report.failed()) {
          continue;
        }
        message = report.firstFailure().orElseThrow();
      } catch (PromiseException | RuntimeException e) {
        LOG.warn("Promises of {} could not be run", id, e);
        message = e.getMessage();
      }
      context.err().println(message);
      failures.add("  " + id + "[" + type(partition) + "]: " + message);
    }
    if (failures.isEmpty()) {
      return 0;
    }
    context.err().println("Finished computer partitions.");
    failures.forEach(context.err()::println);
    return PROMISE_FAILED;
  }

  /** {@code --only-cp A,B}: those partitions only; an id the master does not list is an error. */
  static List<ComputerPartition> onlyRequested(List<ComputerPartition> partitions, String onlyCp)
      throws CommandFailure, ResourceNotReady {
    if (onlyCp == null) {
      return partitions;
    }
    Set<String> required = new TreeSet<>(List.of(onlyCp.split(",")));
    Set<String> missing = new TreeSet<>(required);
    for (ComputerPartition partition : partitions) {
      missing.remove(partition.getId());
    }
    if (!missing.isEmpty()) {
      throw new CommandFailure(1, "Unknown partition" + (missing.size() == 1 ? "" : "s") + ": "
          + String.join(", ", missing));
    }
    List<ComputerPartition> selected = new ArrayList<>();
    for (ComputerPartition partition : partitions) {
      if (required.contains(partition.getId())) {
        selected.add(partition);
      }
    }
    return selected;
  }

  private static PromiseRequest request(Map<String, String> options, ComputerPartition partition, Path directory,
      String softwareUrl, String masterUrl, Duration timeout) throws SlapException {
    String id = partition.getId();
    String repository = options.get("certificate_repository_path");
    Path certificate = repository == null ? null : Path.of(repository).resolve(id + ".crt");
    Path key = repository == null ? null : Path.of(repository).resolve(id + ".key");
    Map<String, String> connection = new LinkedHashMap<>();
    try {
      partition.getConnectionParameterDict().forEach((name, value) -> connection.put(name, String.valueOf(value)));
    } catch (SlapException | RuntimeException e) {
      // Connection parameters are a courtesy to promises; their absence does not stop the check.
      LOG.debug("No connection parameters for {}", id, e);
    }
    return new PromiseRequest(new PartitionContext(id, directory, options.get("computer_id"), softwareUrl,
        type(partition), List.of(), connection), PromiseMode.TEST, true, timeout, masterUrl, certificate, key);
  }

  private static String softwareUrl(ComputerPartition partition) {
    try {
      return partition.getSoftwareRelease() == null ? null : partition.getSoftwareRelease().getURI();
    } catch (SlapException | RuntimeException e) {
      return null;
    }
  }

  private static String type(ComputerPartition partition) {
    try {
      return partition.getType();
    } catch (ResourceNotReady e) {
      return "(not ready)";
    } catch (SlapException e) {
      return "(not ready)";
    }
  }
}
