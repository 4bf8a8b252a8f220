package org.slapos.collect.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.collect.api.CollectException;
import org.slapos.collect.api.CollectRequest;
import org.slapos.collect.api.CollectSummary;
import org.slapos.collect.api.DiskUsagePolicy;
import org.slapos.collect.api.PartitionUser;
import org.slapos.collect.api.UsageCollector;
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

/**
 * {@code slapos node collect} (node-behavior §6.5): one collect pass, meant for cron every minute.
 * Always needs root (exit 5 otherwise, as the original: no {@code root_check} escape); exit 0 also
 * when the processes could not be read (logged as the original does), 1 on any other failure.
 */
@Component(property = {
    SlaposCommand.NAME + "=node collect",
    SlaposCommand.GROUP + "=node",
    SlaposCommand.SUMMARY + "=Collect system consumption and data and store."})
public final class NodeCollectCommand implements SlaposCommand {
  static final int NOT_ROOT = 5;
  static final int DEFAULT_COLLECT_CACHE_DAYS = 15;
  static final long DEFAULT_DISK_CYCLE_SECONDS = 86400;
  static final String USAGE = "usage: slapos node collect [-h] [--cfg CFG]\n";
  private static final String HELP = USAGE + """

      Collect system consumption and data and store.

      options:
        -h, --help  show this help message and exit
        --cfg CFG   SlapOS configuration file (default: $SLAPOS_CONFIGURATION or
                    /etc/opt/slapos/slapos.cfg)
      """;
  private static final ArgumentSyntax SYNTAX = ArgumentSyntax.builder("slapos node collect", USAGE, HELP)
      .option(Arity.ONE, "--cfg").build();

  private final UsageCollector collector;
  private final BooleanSupplier isRoot;

  @Activate
  public NodeCollectCommand(@Reference UsageCollector collector) {
    this(collector, NodeCollectCommand::runningAsRoot);
  }

  NodeCollectCommand(UsageCollector collector, BooleanSupplier isRoot) {
    this.collector = collector;
    this.isRoot = isRoot;
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
    if (!isRoot.getAsBoolean()) {
      context.err().println("This slapos command must be run as root.");
      return NOT_ROOT;
    }
    CollectRequest request;
    try {
      SlaposConfig config = new ConfigLocator(context.environment(), context.homeDirectory())
          .load(ConfigLocator.Kind.NODE, arguments.value("--cfg"),
              context.property(ConfigLocator.NODE_PROPERTY).orElse(null));
      request = request(config);
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    context.err().println("Collecting data...");
    try {
      CollectSummary summary = collector.collect(request);
      int processes = summary.processes().values().stream().mapToInt(Integer::intValue).sum();
      context.err().println("Collected " + processes + " processes of " + summary.processes().size()
          + " partitions into " + summary.database() + " in " + summary.elapsed().toMillis() + " ms.");
      for (Path journal : summary.journals()) {
        context.err().println("Wrote " + journal);
      }
      context.err().println("Finished collecting.");
      return 0;
    } catch (CollectException e) {
      if (e.code() == CollectException.Code.ACCESS_DENIED) {
        // The original logs this and ends normally: cron should not mail a traceback every minute.
        context.err().println("You HAVE TO execute this script with root permission.");
        return 0;
      }
      throw new CommandFailure(1, e.getMessage(), e);
    }
  }

  /** The pass's inputs from {@code [slapformat]}, {@code [slapos]} and {@code [collect]} (node-behavior §1.7). */
  static CollectRequest request(SlaposConfig config) {
    int amount = integer(config, "slapformat", "partition_amount", config.require("slapformat", "partition_amount"));
    String userBase = config.require("slapformat", "user_base_name");
    String partitionBase = config.require("slapformat", "partition_base_name");
    Path instanceRoot = Path.of(config.require("slapos", "instance_root"));
    String computerId = config.require("slapos", "computer_id");
    int cacheDays = config.get("slapos", "collect_cache")
        .map(value -> integer(config, "slapos", "collect_cache", value)).orElse(DEFAULT_COLLECT_CACHE_DAYS);
    List<PartitionUser> users = new ArrayList<>(amount);
    for (int i = 0; i < amount; i++) {
      users.add(new PartitionUser(userBase + i, instanceRoot.resolve(partitionBase + i)));
    }
    boolean diskEnabled = config.get("collect", "report_disk_usage")
        .map(value -> List.of("true", "on", "1").contains(value.strip().toLowerCase(Locale.ROOT))).orElse(true);
    // "foder" (sic) is the key the original reads.
    Path pidFolder = config.get("collect", "disk_snapshot_process_pid_foder").map(Path::of)
        .orElse(instanceRoot.resolve("var").resolve("run"));
    long cycle = config.get("collect", "disk_snapshot_time_cycle")
        .map(value -> (long) integer(config, "collect", "disk_snapshot_time_cycle", value))
        .orElse(DEFAULT_DISK_CYCLE_SECONDS);
    if (cacheDays < 0) {
      throw config.invalid("slapos", "collect_cache", "must not be negative");
    }
    return new CollectRequest(instanceRoot, computerId, users, cacheDays,
        new DiskUsagePolicy(diskEnabled, pidFolder, Duration.ofSeconds(cycle)));
  }

  private static int integer(SlaposConfig config, String section, String key, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw config.invalid(section, key, "invalid literal for int() with base 10: '" + value.strip() + "'");
    }
  }

  private static boolean runningAsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
