package org.slapos.node.shell;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos node boot} (node-behavior §7.6): after a reboot, waits for the node's IPv6 address,
 * formats until it succeeds, bangs the master until it answers, then deletes every partition's
 * {@code .timestamp} so that the next {@code node instance} reprocesses them all. The node daemon
 * runs it once at start.
 */
@Component(property = {
    SlaposCommand.NAME + "=node boot",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=boot a slapos node"})
public final class NodeBootCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(NodeBootCommand.class);
  static final String PROG = "slapos node boot";
  static final String USAGE = "usage: slapos node boot [-h] [--cfg CFG] [-m MESSAGE]\n";
  static final String HELP = USAGE + """

      Test network and invoke simple format and bang (Reset)

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

  private final SlaposCommand format;
  private final SlaposCommand bang;
  private final NodeSoftwareCommand.RootProbe rootProbe;
  private final Duration retryPause;
  private final Duration probePause;
  private final CountDownLatch deactivated = new CountDownLatch(1);

  @Activate
  public NodeBootCommand(@Reference(target = "(" + SlaposCommand.NAME + "=node format)") SlaposCommand format,
      @Reference(target = "(" + SlaposCommand.NAME + "=node bang)") SlaposCommand bang) {
    // The original's pauses: 15 s between two tries of format or bang, 5 s between two probes.
    this(format, bang, NodeSoftwareCommand::runningAsRoot, Duration.ofSeconds(15), Duration.ofSeconds(5));
  }

  NodeBootCommand(SlaposCommand format, SlaposCommand bang, NodeSoftwareCommand.RootProbe rootProbe,
      Duration retryPause, Duration probePause) {
    this.format = format;
    this.bang = bang;
    this.rootProbe = rootProbe;
    this.retryPause = retryPause;
    this.probePause = probePause;
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
    try {
      arguments = SYNTAX.parse(args);
    } catch (SyntaxExit exit) {
      return exit.report(context);
    }
    SlaposConfig config;
    try {
      config = new ConfigLocator(context.environment(), context.homeDirectory())
          .load(ConfigLocator.Kind.NODE, arguments.value("cfg"),
              context.property(ConfigLocator.NODE_PROPERTY).orElse(null));
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    GridOptions options = GridOptions.merge(config, java.util.Map.of(), context.workingDirectory());
    if (options.rootCheck() && !rootProbe.runningAsRoot()) {
      throw new CommandFailure(NodeSoftwareCommand.EXIT_NOT_ROOT, NodeSoftwareCommand.NOT_ROOT);
    }
    String cfg = config.source() != null ? config.source().toString() : arguments.value("cfg");
    awaitGlobalIpv6(config);
    formatUntilDone(context, cfg, options.get("master_url"));
    bangUntilDone(context, cfg);
    int cleared = clearTimestamps(options.get("instance_root"),
        config.get("slapformat", "partition_base_name", "slappart"));
    context.err().println("[BOOT] " + cleared + " partition timestamp(s) removed: every partition is reprocessed");
    return 0;
  }

  /**
   * Waits until the node's interface has a global IPv6 address, which format needs to configure the
   * partitions. Only when format changes the network: an unprivileged node ({@code alter_network =
   * false}) configures no address, so there is nothing to wait for (the original always waits).
   */
  private void awaitGlobalIpv6(SlaposConfig config) throws InterruptedException, CommandFailure {
    String name = config.get("slapformat", "ipv6_interface", "");
    if (name.isEmpty()) {
      name = config.get("slapformat", "interface_name", "");
    }
    if (name.isEmpty() || !config.getBoolean("slapformat", "alter_network", true)) {
      return;
    }
    while (!hasGlobalIpv6(name)) {
      LOG.error("[BOOT] No global IPv6 address on interface {} yet, checking again in {} s", name,
          probePause.toSeconds());
      pause(probePause);
    }
  }

  static boolean hasGlobalIpv6(String interfaceName) {
    try {
      NetworkInterface network = NetworkInterface.getByName(interfaceName);
      if (network == null) {
        return false;
      }
      for (InetAddress address : Collections.list(network.getInetAddresses())) {
        if (address instanceof Inet6Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()
            && !address.isMulticastAddress() && !address.isSiteLocalAddress()) {
          return true;
        }
      }
      return false;
    } catch (SocketException e) {
      return false;
    }
  }

  private void formatUntilDone(CommandContext context, String cfg, String masterUrl) throws Exception {
    while (true) {
      int code = runQuietly(format, context, List.of("--cfg", cfg, "--now"));
      if (code == 0) {
        return;
      }
      if (code == 2) {
        // Format worked but the master did not take the computer: wait until it can be reached.
        LOG.error("[BOOT] Fail to post format information, try again when the master answers...");
        pause(retryPause);
        awaitMaster(masterUrl);
      } else {
        LOG.error("[BOOT] Fail to format, try again in {} seconds...", retryPause.toSeconds());
        pause(retryPause);
      }
    }
  }

  private void bangUntilDone(CommandContext context, String cfg) throws Exception {
    while (runQuietly(bang, context, List.of("--cfg", cfg, "-m", "Reboot")) != 0) {
      LOG.error("[BOOT] Fail to bang, try again in {} seconds...", retryPause.toSeconds());
      pause(retryPause);
    }
  }

  private static int runQuietly(SlaposCommand command, CommandContext context, List<String> args) {
    try {
      return command.run(context, args);
    } catch (CommandFailure e) {
      context.err().println(e.getMessage());
      return e.exitCode();
    } catch (Exception e) {
      LOG.error("[BOOT] {} failed", args, e);
      return 1;
    }
  }

  /**
   * Waits until the master's host accepts a TCP connection on the master URL's port. The original pings
   * the host (ICMP needs privileges and says nothing of the master itself).
   */
  private void awaitMaster(String masterUrl) throws InterruptedException, CommandFailure {
    if (masterUrl == null) {
      return;
    }
    URI uri = URI.create(masterUrl);
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    while (!answers(uri.getHost(), port)) {
      LOG.error("[BOOT] The master {} does not answer yet, checking again in {} s", masterUrl, probePause.toSeconds());
      pause(probePause);
    }
  }

  private static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void pause(Duration duration) throws InterruptedException, CommandFailure {
    if (deactivated.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new CommandFailure(1, "node boot interrupted: the runtime is stopping");
    }
  }

  static int clearTimestamps(String instanceRoot, String partitionBaseName) throws IOException {
    if (instanceRoot == null || instanceRoot.isEmpty() || !Files.isDirectory(Path.of(instanceRoot))) {
      return 0;
    }
    int cleared = 0;
    try (DirectoryStream<Path> partitions = Files.newDirectoryStream(Path.of(instanceRoot), partitionBaseName + "*")) {
      for (Path partition : partitions) {
        if (Files.deleteIfExists(partition.resolve(".timestamp"))) {
          cleared++;
        }
      }
    }
    return cleared;
  }
}
