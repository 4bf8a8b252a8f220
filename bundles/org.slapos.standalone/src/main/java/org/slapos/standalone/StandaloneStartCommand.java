package org.slapos.standalone;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
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
 * {@code slapos standalone start}: a whole SlapOS in this runtime (node-behavior §9). Prepares the data
 * directory ({@link StandaloneLayout}), or takes a {@code configure local} configuration, then runs in
 * this JVM, through the command whiteboard, {@code proxy start}, {@code node format --now} and
 * {@code node daemon --no-boot} on its {@code etc/slapos.cfg}; writes its pid file, prints the master
 * URL, the client configuration and the line that stops it, and keeps the runtime running. Exit 10 when
 * a standalone node already runs on the same data directory.
 */
@Component(property = {
    SlaposCommand.NAME + "=standalone start",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=Start a standalone SlapOS node: local master and node in one process."})
public final class StandaloneStartCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneStartCommand.class);
  static final int EXIT_ALREADY_RUNNING = 10;
  /** The master's port on a new data directory when it is free (the original standalone's 8080 is often taken). */
  static final int PREFERRED_PORT = 4080;
  /** As root, the partitions and the software root belong to this account: buildout never runs as root. */
  static final String UNPRIVILEGED_USER = "nobody";
  static final String UNPRIVILEGED_GROUP = "nogroup";

  static final String USAGE = """
      usage: slapos standalone start [-h] [--data-dir DIR] [--cfg CFG] [--host HOST]
                                     [--port PORT] [--partitions N]
                                     [--computer-id ID] [--buildout PATH]
      """;
  private static final String HELP = USAGE + """

      Start a standalone SlapOS node: local master and node in one process.

      options:
        -h, --help         show this help message and exit
        --data-dir DIR     data directory (default: $SLAPOS_STANDALONE_DIRECTORY or
                           ~/.slapos/standalone); created when missing, reused
                           otherwise
        --cfg CFG          run the node of this configuration (written by slapos
                           configure local) instead of a data directory
        --host HOST        the local master's listening IP (default: the data
                           directory's, else 127.0.0.1)
        --port PORT        the local master's port (default: the data
                           directory's, else 4080 when free, else a free port)
        --partitions N     number of partitions (default: the data directory's,
                           else 10)
        --computer-id ID   the node's computer id (default: the data directory's,
                           else local)
        --buildout PATH    the buildout program that installs Software Releases
                           (default: the data directory's, else buildout on PATH)
      """;
  static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos standalone start", USAGE, HELP)
      .option(Arity.ONE, "--data-dir")
      .option(Arity.ONE, "--cfg")
      .option(Arity.ONE, "--host")
      .option(Arity.ONE, "--port")
      .option(Arity.ONE, "--partitions")
      .option(Arity.ONE, "--computer-id")
      .option(Arity.ONE, "--buildout")
      .build();

  private final CommandWhiteboard commands;

  @Activate
  public StandaloneStartCommand(@Reference CommandWhiteboard commands) {
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
    if (arguments.value("cfg") == null) {
      // Before prepare: a running node's configuration is not rewritten under it.
      refuseWhenRunning(StandaloneNode.ofDataDirectory(StandaloneNode.dataDirectory(context, arguments.value("data_dir"))));
    }
    StandaloneNode node = prepare(context, arguments);
    refuseWhenRunning(node);
    Files.createDirectories(node.pidFile().getParent());
    Files.writeString(node.pidFile(), ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
    boolean started = false;
    try {
      String cfg = node.configurationFile().toString();
      CommandContext steps = new SubcommandContext(context);
      step("proxy start", List.of("--cfg", cfg), steps);
      step("node format", List.of("--cfg", cfg, "--now"), steps);
      if (node.dataDirectory() != null && StandaloneNode.runningAsRoot()) {
        giveToUnprivilegedUser(node);
      }
      if (node.supervisord().isEmpty()) {
        redeployAfterStop(node);
      }
      step("node daemon", List.of("--cfg", cfg, "--no-boot"), steps);
      started = true;
    } finally {
      if (!started) {
        Files.deleteIfExists(node.pidFile());
      }
    }
    LOG.info("Standalone node running on {} (master {})", node.where(), node.masterUrl());
    context.out().println("SlapOS standalone node running (pid " + ProcessHandle.current().pid() + ") in "
        + node.where());
    context.out().println("Master: " + node.masterUrl());
    context.out().println("Client configuration: " + node.configurationFile() + "  (slapos supply --cfg "
        + node.configurationFile() + " ..., or SLAPOS_CLIENT_CONFIGURATION=" + node.configurationFile() + ")");
    if (node.dataDirectory() != null) {
      context.out().println("Partitions: " + node.instanceRoot() + ", logs: " + node.dataDirectory().resolve("var/log"));
    }
    context.out().println("Stop it with: slapos standalone stop " + node.option());
    context.out().flush();
    context.keepRuntimeRunning();
    return 0;
  }

  private static void refuseWhenRunning(StandaloneNode node) throws CommandFailure {
    Optional<ProcessHandle> running = node.runtime();
    if (running.isPresent()) {
      throw new CommandFailure(EXIT_ALREADY_RUNNING, "A standalone node already runs on " + node.where() + " (pid "
          + running.get().pid() + ", " + node.pidFile() + "); stop it with: slapos standalone stop " + node.option());
    }
  }

  /** The node to start: the {@code --cfg} one, or the data directory, prepared. */
  private static StandaloneNode prepare(CommandContext context, Arguments arguments) throws CommandFailure {
    String cfg = arguments.value("cfg");
    if (cfg != null) {
      for (String option : List.of("data_dir", "host", "port", "partitions", "computer_id", "buildout")) {
        if (arguments.value(option) != null) {
          throw new CommandFailure(2, "slapos standalone start: --" + option.replace('_', '-')
              + " cannot be used with --cfg (the configuration file holds the node's settings)");
        }
      }
      Path file = context.workingDirectory().resolve(cfg).toAbsolutePath().normalize();
      if (!Files.isRegularFile(file)) {
        throw new CommandFailure(1, "Configuration file " + file + " does not exist (write one with slapos configure local)");
      }
      return StandaloneNode.ofConfiguration(file);
    }
    Path data = StandaloneNode.dataDirectory(context, arguments.value("data_dir"));
    boolean root = StandaloneNode.runningAsRoot();
    if (root) {
      checkTraversable(data);
    }
    String host = arguments.value("host");
    Integer port = number(arguments, "port");
    if (port == null && !Files.exists(data.resolve("etc/slapos.cfg"))) {
      port = choosePort(host == null ? StandaloneLayout.DEFAULT_HOST : host);
    }
    String buildout = arguments.value("buildout");
    if (buildout != null) {
      buildout = context.workingDirectory().resolve(buildout).toAbsolutePath().normalize().toString();
    }
    StandaloneLayout layout;
    try {
      layout = StandaloneLayout.prepare(data, new StandaloneLayout.Settings(host, port, number(arguments, "partitions"),
          arguments.value("computer_id"), buildout));
    } catch (LayoutException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    if (root) {
      try {
        // The partitions' user reaches its partition and the software through the data directory.
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(data);
        mode.add(PosixFilePermission.OTHERS_EXECUTE);
        mode.add(PosixFilePermission.GROUP_EXECUTE);
        Files.setPosixFilePermissions(data, mode);
      } catch (IOException e) {
        throw new CommandFailure(1, "Cannot open " + data + " to the partitions' user: " + e.getMessage(), e);
      }
    }
    return StandaloneNode.of(layout);
  }

  private static Integer number(Arguments arguments, String key) throws CommandFailure {
    String value = arguments.value(key);
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value.strip());
    } catch (NumberFormatException e) {
      throw new CommandFailure(2, "slapos standalone start: --" + key + " must be a number, got '" + value + "'");
    }
  }

  /** {@link #PREFERRED_PORT} when it can be bound on {@code host}, else a free port the system picks. */
  static int choosePort(String host) throws CommandFailure {
    for (int candidate : new int[] {PREFERRED_PORT, 0}) {
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress(host, candidate));
        return probe.getLocalPort();
      } catch (IOException | IllegalArgumentException | SecurityException taken) {
        LOG.debug("Port {} on {} is not available: {}", candidate, host, taken.toString());
      }
    }
    throw new CommandFailure(1, "Cannot listen on " + host + ": no port is free");
  }

  /** As root: every directory above the data directory must let the partitions' user through. */
  private static void checkTraversable(Path data) throws CommandFailure {
    for (Path directory = data.getParent(); directory != null; directory = directory.getParent()) {
      if (!Files.isDirectory(directory)) {
        continue;
      }
      try {
        if (!Files.getPosixFilePermissions(directory).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new CommandFailure(1, "As root, the partitions run as " + UNPRIVILEGED_USER + ", who cannot reach "
              + data + ": " + directory + " is not traversable by other users; choose another --data-dir (e.g. /srv/slapos-standalone)");
        }
      } catch (IOException e) {
        throw new CommandFailure(1, "Cannot read the mode of " + directory + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * As root, format (which alters no user here) leaves the software root, the shared parts and the
   * partitions to root, and the node never runs buildout or a partition's services as root: they go to
   * {@link #UNPRIVILEGED_USER}, as the original standalone gives them to its own user.
   */
  private static void giveToUnprivilegedUser(StandaloneNode node) throws CommandFailure {
    Path data = node.dataDirectory();
    List<Path> trees = new ArrayList<>(List.of(data.resolve("soft"), data.resolve("shared")));
    try (Stream<Path> partitions = Files.list(node.instanceRoot())) {
      partitions.filter(path -> path.getFileName().toString().startsWith(StandaloneLayout.PARTITION_BASE_NAME)
          && Files.isDirectory(path)).sorted().forEach(trees::add);
    } catch (IOException e) {
      throw new CommandFailure(1, "Cannot list the partitions in " + node.instanceRoot() + ": " + e.getMessage(), e);
    }
    try {
      UserPrincipalLookupService accounts = data.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal user = accounts.lookupPrincipalByName(UNPRIVILEGED_USER);
      GroupPrincipal group = accounts.lookupPrincipalByGroupName(UNPRIVILEGED_GROUP);
      for (Path tree : trees) {
        PosixFileAttributeView view = Files.getFileAttributeView(tree, PosixFileAttributeView.class);
        // Only what is still root's: a partition in use already belongs to the user, with its content.
        if (((Number) Files.getAttribute(tree, "unix:uid")).intValue() == 0) {
          view.setOwner(user);
          view.setGroup(group);
        }
      }
    } catch (IOException e) {
      throw new CommandFailure(1, "Cannot give the partitions to " + UNPRIVILEGED_USER + ": " + e.getMessage(), e);
    }
  }

  /**
   * The node supervisord is not running: the partitions' services were stopped ({@code standalone stop},
   * a reboot), yet each partition's {@code .timestamp} says it is up to date, so the instance loop would
   * leave it stopped. Removing the timestamps makes the next run deploy and start every partition again,
   * as {@code node boot} does (node-behavior §7.6); the daemon runs with {@code --no-boot} since format
   * has just run.
   */
  private static void redeployAfterStop(StandaloneNode node) throws IOException {
    if (!Files.isDirectory(node.instanceRoot())) {
      return;
    }
    try (Stream<Path> partitions = Files.list(node.instanceRoot())) {
      for (Path partition : partitions.filter(Files::isDirectory).toList()) {
        if (Files.deleteIfExists(partition.resolve(".timestamp"))) {
          LOG.info("{} will be deployed again (its services were stopped)", partition.getFileName());
        }
      }
    }
  }

  private void step(String name, List<String> args, CommandContext context) throws Exception {
    LOG.debug("Running slapos {} {}", name, args);
    int exit = commands.run(name, args, context);
    if (exit != 0) {
      throw new CommandFailure(exit, "slapos " + name + " " + String.join(" ", args) + " failed (exit " + exit
          + "); the standalone node is not started");
    }
  }
}
