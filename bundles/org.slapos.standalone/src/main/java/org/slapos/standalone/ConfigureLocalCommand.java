package org.slapos.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.config.ConfigLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos configure local} (node-behavior §7.9): writes the configuration of a node that
 * uses its own local master, with the original's options. Unlike the original it also runs as a
 * normal user (then it writes an unprivileged node, with its directories under
 * {@code ~/.slapos/local} unless the options name others), and it starts nothing: it prints the
 * command that does. Exit 1 with one line when {@code slapos.cfg} already exists or a directory
 * cannot be written; in every failure nothing it would have written is left behind.
 */
@Component(property = {
    SlaposCommand.NAME + "=configure local",
    SlaposCommand.GROUP + "=other",
    SlaposCommand.SUMMARY + "=Configure a slapos node, using a local master (slapos proxy)."})
public final class ConfigureLocalCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigureLocalCommand.class);
  static final String USAGE = """
      usage: slapos configure local [-h] [--interface-name INTERFACE_NAME]
                                    [--partition-number PARTITION_NUMBER]
                                    [--ipv4-local-network IPV4_LOCAL_NETWORK]
                                    [--daemon-listen-ip DAEMON_LISTEN_IP]
                                    [--daemon-listen-port DAEMON_LISTEN_PORT]
                                    [--slapos-instance-root SLAPOS_INSTANCE_ROOT]
                                    [--slapos-software-root SLAPOS_SOFTWARE_ROOT]
                                    [--slapos-buildout-directory SLAPOS_BUILDOUT_DIRECTORY]
                                    [--slapos-configuration-directory SLAPOS_CONFIGURATION_DIRECTORY]
                                    [--enable-shacache-proxy]
      """;
  private static final String HELP = USAGE + """

      Configure a slapos node, using a local master (slapos proxy).

      options:
        -h, --help            show this help message and exit
        --interface-name INTERFACE_NAME
                              Interface name to access internet (default: lo)
        --partition-number PARTITION_NUMBER
                              Number of partitions to create in the SlapOS Node
                              (default: 20)
        --ipv4-local-network IPV4_LOCAL_NETWORK
                              Subnetwork used to assign local IPv4 addresses. It
                              should be a not used network in order to avoid
                              conflicts (default: 10.0.0.0/16)
        --daemon-listen-ip DAEMON_LISTEN_IP
                              Listening IP of the "slapproxy" daemon (default:
                              127.0.0.1)
        --daemon-listen-port DAEMON_LISTEN_PORT
                              Listening port of the "slapproxy" daemon (default:
                              8080)
        --slapos-instance-root SLAPOS_INSTANCE_ROOT
                              Target location of the SlapOS configuration directory
                              (default: /srv/slapgrid; ~/.slapos/local/srv/slapgrid
                              for a normal user)
        --slapos-software-root SLAPOS_SOFTWARE_ROOT
                              Target location of the SlapOS configuration directory
                              (default: /opt/slapgrid; ~/.slapos/local/opt/slapgrid
                              for a normal user)
        --slapos-buildout-directory SLAPOS_BUILDOUT_DIRECTORY
                              Target location of the SlapOS configuration directory
                              (default: /opt/slapos; ~/.slapos/local/opt/slapos for
                              a normal user)
        --slapos-configuration-directory SLAPOS_CONFIGURATION_DIRECTORY
                              Target location of the SlapOS configuration directory
                              (default: /etc/opt/slapos; ~/.slapos/local/etc for a
                              normal user)
        --enable-shacache-proxy
                              Enable the shacache/shadir server of the local master
                              and use it as the node's network cache
      """;
  private static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos configure local", USAGE, HELP)
      .option(Arity.ONE, "--interface-name")
      .option(Arity.ONE, "--partition-number")
      .option(Arity.ONE, "--ipv4-local-network")
      .option(Arity.ONE, "--daemon-listen-ip")
      .option(Arity.ONE, "--daemon-listen-port")
      .option(Arity.ONE, "--slapos-instance-root")
      .option(Arity.ONE, "--slapos-software-root")
      .option(Arity.ONE, "--slapos-buildout-directory")
      .option(Arity.ONE, "--slapos-configuration-directory")
      .option(Arity.FLAG, "--enable-shacache-proxy")
      .build();
  private static final Pattern IPV4_NETWORK = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");
  private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");
  private static final Pattern LISTEN_IP = Pattern.compile("[0-9A-Fa-f.:]+");

  private final BooleanSupplier runningAsRoot;

  @Activate
  public ConfigureLocalCommand() {
    this(ConfigureLocalCommand::effectiveUserIsRoot);
  }

  ConfigureLocalCommand(BooleanSupplier runningAsRoot) {
    this.runningAsRoot = runningAsRoot;
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
    LocalNodeConfiguration node = configuration(context, arguments, runningAsRoot.getAsBoolean());
    Path nodeFile = node.nodeConfigurationFile();
    if (Files.exists(nodeFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new CommandFailure(1, "Configuration file " + nodeFile
          + " already exists: remove it first, slapos configure local does not overwrite a node configuration");
    }
    checkWritable("--slapos-configuration-directory", node.configurationDirectory());
    checkWritable("--slapos-buildout-directory", node.buildoutDirectory());
    checkWritable("--slapos-instance-root", node.instanceRoot());
    checkWritable("--slapos-software-root", node.softwareRoot());
    try {
      SocketPaths.check(node.instanceRoot());
    } catch (LayoutException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    write(context, node);
    context.out().println("SlapOS " + (node.privileged() ? "" : "unprivileged ") + "node configured in "
        + node.configurationDirectory() + " (local master " + node.masterUrl() + ", computer "
        + LocalNodeConfiguration.COMPUTER_ID + ").");
    context.out().println("Start it with: slapos standalone start --cfg " + nodeFile);
    return 0;
  }

  static LocalNodeConfiguration configuration(CommandContext context, Arguments arguments, boolean privileged)
      throws CommandFailure {
    String interfaceName = valueOr(arguments, "interface_name", "lo");
    if (!INTERFACE.matcher(interfaceName).matches()) {
      throw new CommandFailure(1, "--interface-name is not a valid interface name: '" + interfaceName + "'");
    }
    int partitions = integer(arguments, "--partition-number", "partition_number", 20, 0, 100_000);
    String network = valueOr(arguments, "ipv4_local_network", "10.0.0.0/16");
    if (!IPV4_NETWORK.matcher(network).matches()) {
      throw new CommandFailure(1, "--ipv4-local-network must be an IPv4 network a.b.c.d/len, got '" + network + "'");
    }
    String listenIp = valueOr(arguments, "daemon_listen_ip", "127.0.0.1");
    if (!LISTEN_IP.matcher(listenIp).matches()) {
      throw new CommandFailure(1, "--daemon-listen-ip must be an IPv4 or IPv6 address, got '" + listenIp + "'");
    }
    int port = integer(arguments, "--daemon-listen-port", "daemon_listen_port", 8080, 1, 65535);
    Path unprivilegedBase = context.homeDirectory().resolve(".slapos/local");
    return new LocalNodeConfiguration(interfaceName, partitions, network, listenIp, port,
        directory(context, arguments, "slapos_instance_root", privileged, "/srv/slapgrid", unprivilegedBase.resolve("srv/slapgrid")),
        directory(context, arguments, "slapos_software_root", privileged, "/opt/slapgrid", unprivilegedBase.resolve("opt/slapgrid")),
        directory(context, arguments, "slapos_buildout_directory", privileged, "/opt/slapos", unprivilegedBase.resolve("opt/slapos")),
        directory(context, arguments, "slapos_configuration_directory", privileged, "/etc/opt/slapos", unprivilegedBase.resolve("etc")),
        arguments.flag("enable_shacache_proxy"), privileged);
  }

  /** Writes the two files, the log directory and the client link; on any failure removes what it made. */
  private static void write(CommandContext context, LocalNodeConfiguration node) throws CommandFailure {
    List<Path> createdDirectories = new ArrayList<>();
    Path clientLink = context.homeDirectory().resolve(".slapos/slapos-client.cfg");
    boolean linked = false;
    boolean written = false;
    try {
      // First, so that ~/.slapos is private also when the node's directories are made inside it.
      createDirectories(clientLink.getParent(), "rwx------", createdDirectories);
      createDirectories(node.configurationDirectory(), "rwxr-xr-x", createdDirectories);
      createDirectories(node.buildoutDirectory(), "rwxr-xr-x", createdDirectories);
      createDirectories(node.logDirectory(), "rwx------", createdDirectories);
      new FileSet()
          .add(node.nodeConfigurationFile(), node.nodeConfiguration(), "rw-r--r--")
          .add(node.proxyConfigurationFile(), node.proxyConfiguration(), "rw-r--r--")
          .commit();
      written = true;
      if (Files.exists(clientLink, LinkOption.NOFOLLOW_LINKS)) {
        context.err().println("Client configuration " + clientLink + " already exists: left as it is.");
      } else {
        Files.createSymbolicLink(clientLink, node.nodeConfigurationFile());
        linked = true;
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("configure local failed; removing what it wrote", e);
      undo(node, clientLink, linked, written, createdDirectories);
      throw new CommandFailure(1, "Cannot write the local node configuration: " + e, e);
    }
    LOG.info("Local node configuration written to {} and {}", node.nodeConfigurationFile(), node.proxyConfigurationFile());
  }

  /** Removes what this run made, and only that: the link, the files once committed, the directories it created. */
  private static void undo(LocalNodeConfiguration node, Path clientLink, boolean linked, boolean written,
      List<Path> createdDirectories) {
    List<Path> made = new ArrayList<>();
    if (linked) {
      made.add(clientLink);
    }
    if (written) {
      made.add(node.nodeConfigurationFile());
      made.add(node.proxyConfigurationFile());
    }
    for (int i = createdDirectories.size() - 1; i >= 0; i--) {
      made.add(createdDirectories.get(i));
    }
    for (Path path : made) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.warn("Could not remove {} after the failed configure local", path, e);
      }
    }
  }

  /** Creates {@code directory} and its missing parents, giving the ones it creates {@code mode}; records them. */
  private static void createDirectories(Path directory, String mode, List<Path> created) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    Path parent = directory.getParent();
    if (parent != null) {
      createDirectories(parent, "rwxr-xr-x", created);
    }
    Files.createDirectory(directory);
    created.add(directory);
    // Set explicitly: the mode given at creation is masked by the umask.
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
  }

  /** One line naming the option when the directory (or the nearest existing parent that would hold it) is not writable. */
  private static void checkWritable(String option, Path directory) throws CommandFailure {
    Path existing = directory;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
      throw new CommandFailure(1, option + " " + directory + ": " + (existing == null ? "no existing parent"
          : existing + (Files.isDirectory(existing) ? " is not writable by this user" : " is not a directory"))
          + "; choose another directory or run as root");
    }
  }

  private static Path directory(CommandContext context, Arguments arguments, String key, boolean privileged,
      String privilegedDefault, Path unprivilegedDefault) {
    String value = arguments.value(key);
    if (value == null) {
      return privileged ? Path.of(privilegedDefault) : unprivilegedDefault;
    }
    return context.workingDirectory().resolve(ConfigLocator.expandUser(value, context.homeDirectory())).normalize();
  }

  private static String valueOr(Arguments arguments, String key, String fallback) {
    String value = arguments.value(key);
    return value == null ? fallback : value;
  }

  private static int integer(Arguments arguments, String option, String key, int fallback, int min, int max)
      throws CommandFailure {
    String value = arguments.value(key);
    if (value == null) {
      return fallback;
    }
    try {
      int number = Integer.parseInt(value.strip());
      if (number < min || number > max) {
        throw new CommandFailure(1, option + " must be between " + min + " and " + max + ", got " + value);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new CommandFailure(1, option + " must be an integer, got '" + value + "'", e);
    }
  }

  private static boolean effectiveUserIsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
