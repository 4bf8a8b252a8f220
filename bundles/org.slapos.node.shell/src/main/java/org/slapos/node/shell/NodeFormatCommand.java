package org.slapos.node.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
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
import org.slapos.config.ConfigException;
import org.slapos.config.ConfigLocator;
import org.slapos.config.SlaposConfig;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatRequest;
import org.slapos.format.api.FormatResult;
import org.slapos.format.api.PartitionFormatter;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos node format}: reads slapos.cfg ({@code [slapformat]} then {@code [slapos]}, the
 * command line on top), runs the {@link PartitionFormatter} and posts the computer to the master.
 * Exit codes as the original: 0 done, 1 failure, 2 formatted but the master was not told,
 * 5 not root.
 */
@Component(property = {
    SlaposCommand.NAME + "=node format",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=create users, partitions and network configuration"})
public final class NodeFormatCommand implements SlaposCommand {
  private static final Logger LOG = LoggerFactory.getLogger(NodeFormatCommand.class);
  /** The original's start delay without {@code --now}: up to one hour, to spread boot-time load on the master. */
  static final long MAXIMAL_DELAY_SECONDS = 3600;

  private final PartitionFormatter formatter;
  private final SlapConnector connector;
  private final CountDownLatch deactivated = new CountDownLatch(1);

  @Activate
  public NodeFormatCommand(@Reference PartitionFormatter formatter, @Reference SlapConnector connector) {
    this.formatter = formatter;
    this.connector = connector;
  }

  @Deactivate
  void deactivate() {
    deactivated.countDown();
  }

  @Override
  public Set<String> optionNames() {
    return Set.of("--cfg", "-x", "--computer_xml", "--computer_json", "-i", "--input_definition_file", "-o",
        "--output_definition_file", "--alter_user", "--alter_network", "--now", "-n", "--dry_run", "-c", "--console");
  }

  @Override
  public int run(CommandContext context, List<String> args) throws Exception {
    FormatOptions options = FormatOptions.parse(args);
    if (options.help()) {
      context.out().println(FormatOptions.HELP);
      return 0;
    }
    FormatRequest request = request(context, options);
    if (!options.now()) {
      long delay = (long) (new SecureRandom().nextDouble() * MAXIMAL_DELAY_SECONDS);
      context.err().println("Sleeping for " + delay + " seconds. To disable this feature, use with --now parameter in manual.");
      // The delay is the feature (cron spreads the nodes' load on the master), not a wait for
      // something; it ends early when the command's component goes away.
      if (deactivated.await(delay, TimeUnit.SECONDS)) {
        throw new CommandFailure(1, "node format interrupted: the runtime is stopping");
      }
    }
    FormatResult result;
    try {
      result = formatter.format(request);
    } catch (FormatException e) {
      throw failure(e);
    }
    if (request.dryRun()) {
      for (String change : result.changes()) {
        context.out().println(change);
      }
      context.err().println("Dry run: " + result.changes().size() + " change(s) listed, none made; nothing posted.");
      return 0;
    }
    appendToFormatLog(context, request, result);
    String masterUrl = request.options().get("master_url");
    context.err().println("Posting information to '" + masterUrl + "'");
    try {
      ConnectionOptions.Builder connection = ConnectionOptions.builder();
      Map<String, String> o = request.options();
      if (o.get("key_file") != null && o.get("cert_file") != null) {
        connection.keyFile(request.workingDirectory().resolve(o.get("key_file")))
            .certFile(request.workingDirectory().resolve(o.get("cert_file")));
      }
      if (o.get("master_ca_file") != null) {
        connection.masterCaFile(request.workingDirectory().resolve(o.get("master_ca_file")));
      }
      Slap slap = connector.initializeConnection(masterUrl, connection.build());
      slap.registerComputer(result.computer().reference).updateConfiguration(result.payload());
    } catch (NotFoundError e) {
      LOG.warn("Posting the computer to {} failed", masterUrl, e);
      context.err().println("failed to transfer information to '" + masterUrl + "': " + e.getMessage()
          + " ERROR: This SlapOS node is not recognised by SlapOS Master and/or computer_id and certificates don't match."
          + " Please make sure computer_id of slapos.cfg looks like 'COMP-123' and is correct.");
      context.err().println("slapos successfully prepared the computer.");
      return 2;
    } catch (Exception e) {
      LOG.warn("Posting the computer to {} failed", masterUrl, e);
      context.err().println("failed to transfer information to '" + masterUrl + "': " + e.getMessage());
      context.err().println("slapos successfully prepared the computer.");
      return 2;
    }
    context.err().println("slapos successfully prepared the computer.");
    return 0;
  }

  /**
   * {@code [slapformat] log_file}: the changes this run made, appended in the original's log layout
   * ({@code [time] LEVEL    message}). The original sends its whole log there when no global
   * {@code --log-file} is given; here the file gets the changes, whatever {@code --log-file} says.
   */
  static void appendToFormatLog(CommandContext context, FormatRequest request, FormatResult result) {
    String logFile = request.options().get("log_file");
    if (logFile == null || logFile.isBlank()) {
      return;
    }
    DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    String now = LocalDateTime.now().format(time);
    StringBuilder lines = new StringBuilder();
    for (String change : result.changes()) {
      lines.append('[').append(now).append("] INFO     ").append(change).append('\n');
    }
    lines.append('[').append(now).append("] INFO     Computer ").append(result.computer().reference)
        .append(" formatted: ").append(result.changes().size()).append(" change(s)\n");
    Path path = request.workingDirectory().resolve(logFile);
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      Files.writeString(path, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      context.err().println("Cannot write the format log " + path + ": " + e.getMessage());
    }
  }

  /** slapos.cfg located as every node command does, merged with the command line. */
  static FormatRequest request(CommandContext context, FormatOptions options) throws CommandFailure {
    ConfigLocator locator = new ConfigLocator(context.environment(), context.homeDirectory());
    SlaposConfig config;
    try {
      config = locator.load(ConfigLocator.Kind.NODE, options.cfg(), context.property(ConfigLocator.NODE_PROPERTY).orElse(null));
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    for (String section : List.of("slapformat", "slapos")) {
      if (!config.hasSection(section)) {
        throw new CommandFailure(1, "No section: '" + section + "' in " + config.sourceName());
      }
    }
    Map<String, String> merged;
    try {
      merged = FormatRequest.merge(config.section("slapformat"), config.section("slapos"), options.overrides());
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    Path cwd = context.workingDirectory();
    return new FormatRequest(merged, cwd, options.dryRun());
  }

  static CommandFailure failure(FormatException e) {
    return switch (e.code()) {
      case NOT_ROOT -> new CommandFailure(5, e.getMessage(), e);
      case USAGE -> new CommandFailure(1, e.getMessage() + "\nFor help use --help", e);
      default -> new CommandFailure(1, "slapos failed to prepare the computer: " + e.getMessage(), e);
    };
  }
}
