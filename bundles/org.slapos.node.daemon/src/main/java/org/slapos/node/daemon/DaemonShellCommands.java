package org.slapos.node.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slapos.config.SlaposConfig;
import org.slapos.node.daemon.api.LoopRun;
import org.slapos.node.daemon.api.LoopStatus;
import org.slapos.node.daemon.api.NodeLoops;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.ProcessInfo;
import org.slapos.supervisor.api.SupervisorSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Gogo commands (scope {@code daemon}), for the remote shell: {@code daemon:state} (partitions,
 * processes, last promise results, loops), {@code daemon:loops}, {@code daemon:run LOOP} (runs it now and
 * waits for its end), {@code daemon:pause [LOOP...]} and {@code daemon:resume [LOOP...]} (all loops when
 * none is named). Text results, one line per item.
 */
@Component(configurationPid = NodeLoops.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
    service = DaemonShellCommands.class, property = {
        "osgi.command.scope=daemon",
        "osgi.command.function=state",
        "osgi.command.function=loops",
        "osgi.command.function=run",
        "osgi.command.function=pause",
        "osgi.command.function=resume",
        "osgi.command.function=update"})
public final class DaemonShellCommands {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonShellCommands.class);
  private final BundleContext bundleContext;
  private final NodeLoops loops;
  private final Path configuration;
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  private volatile NodeSupervisor supervisor;

  @Activate
  public DaemonShellCommands(BundleContext bundleContext, @Reference NodeLoops loops, Map<String, Object> properties) {
    this.bundleContext = bundleContext;
    this.loops = loops;
    this.configuration = Path.of(String.valueOf(properties.get(NodeLoops.CONFIGURATION)));
  }

  /** The loops, one line each. */
  public String loops() {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-9s %-9s %-8s %5s  %-28s %4s  %s%n", "loop",
        "interval", "state", "runs", "last run", "exit", "next run"));
    Instant now = Instant.now();
    for (LoopStatus loop : loops.loops()) {
      String interval = loop.interval().isZero() ? "on demand" : loop.interval().toSeconds() + " s";
      String state = loop.running() ? "running" : loop.paused() ? "paused" : "idle";
      String last = loop.lastRun().map(run -> run.start().toString().replaceFirst("\\.\\d+Z$", "Z") + " "
          + seconds(run.duration())).orElse("-");
      String exit = loop.lastRun().map(run -> Integer.toString(run.exitCode())).orElse("-");
      String next = loop.nextRun().map(at -> "in " + Math.max(0, Duration.between(now, at).toSeconds()) + " s")
          .orElse("-");
      text.append(String.format(Locale.ROOT, "%-9s %-9s %-8s %5d  %-28s %4s  %s%n", loop.name(), interval, state,
          loop.runs(), last, exit, next));
    }
    return text.toString().stripTrailing();
  }

  /** Runs a loop now and waits for its end. */
  public String run(String loop) throws InterruptedException {
    try {
      LoopRun run = loops.runNow(loop).get();
      return loop + ": exit " + run.exitCode() + " in " + seconds(run.duration())
          + (run.message().isEmpty() ? "" : " (" + run.message() + ")");
    } catch (ExecutionException e) {
      return loop + ": not run: " + e.getCause().getMessage();
    }
  }

  public String pause(String... names) {
    List<String> chosen = chosen(names);
    chosen.forEach(loops::pause);
    return "paused: " + String.join(", ", chosen);
  }

  public String resume(String... names) {
    List<String> chosen = chosen(names);
    chosen.forEach(loops::resume);
    return "resumed: " + String.join(", ", chosen);
  }

  private static List<String> chosen(String... names) {
    return names == null || names.length == 0 ? NodeLoops.LOOP_NAMES : List.of(names);
  }

  /** Updates a bundle from its location, then refreshes it and its dependents; see {@link #update(long, String)}. */
  public String update(long id) throws BundleException {
    return update(id, null);
  }

  /**
   * Updates a bundle (from {@code location}, a URL, when given) and refreshes it with its dependents, in a
   * thread of its own: Gogo's {@code update} leaves the old revision wired until a {@code refresh}, and
   * when the bundle serves the shell (SCR, Gogo, SSHD) the session that would type {@code refresh} is gone.
   */
  public String update(long id, String location) throws BundleException {
    Bundle bundle = bundleContext.getBundle(id);
    if (bundle == null) {
      throw new BundleException("no bundle " + id);
    }
    if (id == 0) {
      throw new BundleException("the framework is not updated from the shell: restart the daemon");
    }
    String name = bundle.getSymbolicName() + " " + bundle.getVersion();
    FrameworkWiring wiring = bundleContext.getBundle(0).adapt(FrameworkWiring.class);
    boolean lazy = bundle.getState() == Bundle.STARTING;
    boolean started = lazy || bundle.getState() == Bundle.ACTIVE;
    Thread updater = new Thread(() -> {
      try {
        if (location == null) {
          bundle.update();
        } else {
          try (InputStream in = URI.create(location).toURL().openStream()) {
            bundle.update(in);
          }
        }
      } catch (BundleException e) {
        // The new revision is in place but could not start beside the old one (a singleton, a native
        // library): the refresh below retires the old revision, then the bundle is started again.
        LOG.warn("Bundle {} updated, not restarted yet: {}", name, e.getMessage());
      } catch (IOException | RuntimeException e) {
        LOG.error("Updating bundle {} failed: {}", name, e.getMessage(), e);
        return;
      }
      wiring.refreshBundles(List.of(bundle), event -> {
        try {
          if (started && (bundle.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
            bundle.start(lazy ? Bundle.START_ACTIVATION_POLICY : 0);
          }
          LOG.info("Bundle {} updated and refreshed", name);
        } catch (BundleException | RuntimeException e) {
          LOG.error("Bundle {} updated but does not start again: {}", name, e.getMessage(), e);
        }
      });
    }, "slapos-bundle-update-" + id);
    updater.start();
    return "updating " + name + " (" + id + ") and refreshing its dependents; a shell served by it reconnects";
  }

  /** Partitions, processes, last promise results and loops. */
  public String state() throws Exception {
    SlaposConfig config = SlaposConfig.parse(configuration);
    String instanceRoot = config.get("slapos", "instance_root", "/srv/slapgrid");
    StringBuilder text = new StringBuilder();
    text.append("Node ").append(config.get("slapos", "computer_id", "?")).append(" on ")
        .append(config.get("slapos", "master_url", "?")).append(" (").append(configuration).append(")\n");
    text.append("Partitions:\n");
    List<NodeState.Partition> partitions = NodeState.partitions(Path.of(instanceRoot),
        config.get("slapformat", "partition_base_name", "slappart"));
    if (partitions.isEmpty()) {
      text.append("  none\n");
    }
    for (NodeState.Partition partition : partitions) {
      long failed = partition.promises().stream().filter(NodeState.PromiseResult::failed).count();
      text.append("  ").append(partition.id()).append("  ")
          .append(partition.softwareRelease().map(sr -> "release " + sr).orElse("free"))
          .append(partition.timestamp().map(t -> "  deployed at " + t).orElse(""))
          .append(partition.promises().isEmpty() ? "" : "  promises: " + (partition.promises().size() - failed)
              + " ok, " + failed + " failed")
          .append('\n');
      for (NodeState.PromiseResult promise : partition.promises()) {
        text.append("    ").append(promise.failed() ? "FAILED " : "OK     ").append(promise.title())
            .append(promise.date().isEmpty() ? "" : " at " + promise.date())
            .append(promise.message().isEmpty() ? "" : ": " + promise.message().lines().findFirst().orElse(""))
            .append('\n');
      }
    }
    text.append("Processes:\n");
    text.append(processes(Path.of(instanceRoot)));
    text.append("Loops:\n");
    loops().lines().forEach(line -> text.append("  ").append(line).append('\n'));
    return text.toString().stripTrailing();
  }

  private String processes(Path instanceRoot) {
    NodeSupervisor current = supervisor;
    if (current == null) {
      return "  unknown: no node supervisor in this runtime\n";
    }
    try {
      List<ProcessInfo> processes = current.processes(new SupervisorSettings(instanceRoot, ""));
      if (processes.isEmpty()) {
        return "  none\n";
      }
      List<String> lines = new ArrayList<>();
      for (ProcessInfo process : processes) {
        lines.add(String.format(Locale.ROOT, "  %-40s %-9s %s", process.fullName(), process.state(),
            process.description()));
      }
      return String.join("\n", lines) + "\n";
    } catch (Exception e) {
      return "  unknown: " + e.getMessage() + "\n";
    }
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }
}
