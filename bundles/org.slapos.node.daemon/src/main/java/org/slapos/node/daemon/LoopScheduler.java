package org.slapos.node.daemon;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;
import org.slapos.node.daemon.api.LoopRun;
import org.slapos.node.daemon.api.LoopStatus;
import org.slapos.node.daemon.api.NodeLoops;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node daemon's loops: each runs its {@code slapos node <loop>} command, looked up on the command
 * whiteboard at every run, so that a command bundle updated or replaced meanwhile runs with its new code
 * at the next run. Configured by {@code slapos node daemon} (PID {@link NodeLoops#PID}).
 */
@Component(configurationPid = NodeLoops.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
    service = NodeLoops.class)
public final class LoopScheduler implements NodeLoops {
  private static final Logger LOG = LoggerFactory.getLogger(LoopScheduler.class);
  /** The original's cron and standalone loop: software and instance every minute, report every hour. */
  static final Map<String, Duration> DEFAULT_INTERVALS = Map.of("software", Duration.ofSeconds(60), "instance",
      Duration.ofSeconds(60), "report", Duration.ofSeconds(3600), "collect", Duration.ofSeconds(60));

  private static final String BOOT_MARK = "booted";
  /** How long a run waits for its command to come back (bundle update) before it counts as missing. */
  private static final Duration COMMAND_PATIENCE = Duration.ofSeconds(10);
  private static final String FRAMEWORK_UUID = "org.osgi.framework.uuid";

  private final BundleContext context;
  private final ServiceTracker<SlaposCommand, SlaposCommand> commands;
  private final String configuration;
  private final Path logDirectory;
  private final LoopEngine engine;

  @Activate
  public LoopScheduler(BundleContext context, Map<String, Object> properties) {
    this.context = context;
    Object cfg = properties.get(CONFIGURATION);
    if (cfg == null || cfg.toString().isBlank()) {
      throw new IllegalArgumentException(PID + ": the '" + CONFIGURATION + "' property (slapos.cfg) is required");
    }
    this.configuration = cfg.toString();
    Object logs = properties.get(LOG_DIRECTORY);
    this.logDirectory = logs == null || logs.toString().isBlank() ? null : Path.of(logs.toString());
    this.commands = new ServiceTracker<>(context, SlaposCommand.class, null);
    commands.open();
    Map<String, Duration> intervals = intervals(properties);
    AtomicInteger threads = new AtomicInteger();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(intervals.size() + 1, task -> {
      Thread thread = new Thread(task, "slapos-node-loop-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    boolean boot = Boolean.parseBoolean(String.valueOf(properties.get(BOOT))) && !bootedInThisFramework();
    this.engine = new LoopEngine(intervals, boot, this::execute, Clock.systemUTC(), executor);
    engine.start();
    LOG.info("Node loops started on {}: {}", configuration, intervals);
  }

  /**
   * Whether {@code node boot} already succeeded since the framework started: the scheduler is re-created
   * when a bundle it uses is updated, which is not a reboot. The mark lives in the bundle's data area
   * (kept across updates) and names the framework instance (a new launch has a new UUID).
   */
  private boolean bootedInThisFramework() {
    File mark = context.getDataFile(BOOT_MARK);
    try {
      return mark != null && mark.isFile()
          && Files.readString(mark.toPath()).strip().equals(String.valueOf(context.getProperty(FRAMEWORK_UUID)));
    } catch (IOException e) {
      return false;
    }
  }

  private void markBooted() {
    File mark = context.getDataFile(BOOT_MARK);
    if (mark != null) {
      try {
        Files.writeString(mark.toPath(), String.valueOf(context.getProperty(FRAMEWORK_UUID)));
      } catch (IOException e) {
        LOG.warn("Cannot remember that the node booted ({}): a bundle update will boot it again", e.getMessage());
      }
    }
  }

  /** Every loop's interval: {@code <loop>.interval} seconds, else the original's default. */
  static Map<String, Duration> intervals(Map<String, Object> properties) {
    Map<String, Duration> intervals = new LinkedHashMap<>();
    for (String loop : LOOP_NAMES) {
      Object value = properties.get(loop + INTERVAL_SUFFIX);
      long seconds;
      try {
        seconds = value == null ? DEFAULT_INTERVALS.get(loop).toSeconds() : Long.parseLong(value.toString().strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(PID + ": " + loop + INTERVAL_SUFFIX + " is not a number of seconds: '"
            + value + "'", e);
      }
      if (seconds < 0) {
        throw new IllegalArgumentException(PID + ": " + loop + INTERVAL_SUFFIX + " must not be negative");
      }
      intervals.put(loop, Duration.ofSeconds(seconds));
    }
    return intervals;
  }

  @Deactivate
  void deactivate() {
    engine.close();
    commands.close();
    LOG.info("Node loops stopped");
  }

  @Override
  public List<LoopStatus> loops() {
    return engine.statuses();
  }

  @Override
  public LoopStatus loop(String name) {
    return engine.status(name);
  }

  @Override
  public CompletableFuture<LoopRun> runNow(String name) {
    return engine.runNow(name);
  }

  @Override
  public void pause(String name) {
    engine.pause(name);
    LOG.info("Loop {} paused", name);
  }

  @Override
  public void resume(String name) {
    engine.resume(name);
    LOG.info("Loop {} resumed", name);
  }

  /** The command line of one loop's command: every grid command skips its random delay. */
  static List<String> arguments(String loop, String configuration) {
    return switch (loop) {
      case "software", "instance", "report" -> List.of("--cfg", configuration, "--now");
      default -> List.of("--cfg", configuration);
    };
  }

  private LoopRun execute(String loop) {
    Instant start = Instant.now();
    String name = "node " + loop;
    SlaposCommand command = command(name);
    if (command == null) {
      LOG.warn("Loop {}: no 'slapos {}' command in this runtime", loop, name);
      return new LoopRun(loop, start, Instant.now(), -1, "no 'slapos " + name + "' command in this runtime");
    }
    int code;
    String message = "";
    try (OutputStream sink = logSink(loop);
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
      if (logDirectory != null) {
        out.println("[" + start + "] slapos " + name + " " + String.join(" ", arguments(loop, configuration)));
      }
      LoopContext loopContext = new LoopContext(out, out, System.getenv(), Path.of(System.getProperty("user.dir")),
          home(), context::getProperty);
      try {
        code = command.run(loopContext, arguments(loop, configuration));
      } catch (CommandFailure failure) {
        code = failure.exitCode();
        message = failure.getMessage();
        out.println(message);
      } catch (Exception | LinkageError failure) {
        // A bundle updated under a running command can leave it with stale classes: the next run
        // takes the new command; this one is a failure, not the end of the loop.
        code = 1;
        message = String.valueOf(failure);
        LOG.warn("Loop {} failed", loop, failure);
        out.println(message);
      }
    } catch (IOException e) {
      code = 1;
      message = "cannot write the loop's log: " + e.getMessage();
    }
    LoopRun run = new LoopRun(loop, start, Instant.now(), code, message);
    if (loop.equals(BOOT_LOOP) && code == 0) {
      markBooted();
    }
    if (code == 0) {
      LOG.info("Loop {} done in {} ms", loop, run.duration().toMillis());
    } else {
      LOG.warn("Loop {} exited with {} after {} ms{}", loop, code, run.duration().toMillis(),
          message.isEmpty() ? "" : ": " + message);
    }
    return run;
  }

  /**
   * The command, waiting a little when it is missing: right after a bundle update the scheduler can be
   * back before the command components are.
   */
  private SlaposCommand command(String name) {
    SlaposCommand command = registeredCommand(name);
    if (command != null) {
      return command;
    }
    try {
      ServiceTracker<SlaposCommand, SlaposCommand> one = new ServiceTracker<>(context,
          context.createFilter("(&(objectClass=" + SlaposCommand.class.getName() + ")(" + SlaposCommand.NAME + "="
              + name + "))"), null);
      one.open();
      try {
        one.waitForService(COMMAND_PATIENCE.toMillis());
      } finally {
        one.close();
      }
    } catch (org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    return registeredCommand(name);
  }

  private SlaposCommand registeredCommand(String name) {
    try {
      ServiceReference<SlaposCommand>[] references = commands.getServiceReferences();
      if (references == null) {
        return null;
      }
      for (ServiceReference<SlaposCommand> reference : references) {
        if (name.equals(reference.getProperty(SlaposCommand.NAME))) {
          SlaposCommand command = commands.getService(reference);
          if (command != null) {
            return command;
          }
        }
      }
      return null;
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /** {@code $HOME} when set, as the command line's context (and Python) take it, else {@code user.home}. */
  private static Path home() {
    String home = System.getenv("HOME");
    return home != null && !home.isEmpty() ? Path.of(home) : Path.of(System.getProperty("user.home"));
  }

  private OutputStream logSink(String loop) throws IOException {
    if (logDirectory == null) {
      Logger commandLog = LoggerFactory.getLogger("org.slapos.node.daemon.loop." + loop);
      return new LineLogger(commandLog::info);
    }
    Files.createDirectories(logDirectory);
    return Files.newOutputStream(logDirectory.resolve("slapos-node-" + loop + ".log"), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

}
