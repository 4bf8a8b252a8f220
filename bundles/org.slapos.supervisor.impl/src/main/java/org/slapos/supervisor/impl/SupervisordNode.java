package org.slapos.supervisor.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.PartitionPrograms;
import org.slapos.supervisor.api.ProcessInfo;
import org.slapos.supervisor.api.SupervisorConsole;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node supervisord of node-behavior §5.5: files, launch, and the reload/remove/add dance over
 * XML-RPC. Calls that change supervisord's configuration are serialised: two partitions updated at the
 * same time would otherwise see each other's groups in one reloadConfig answer.
 */
final class SupervisordNode implements NodeSupervisor, SupervisorConsole {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisordNode.class);
  /** supervisord's state codes (supervisor.states.SupervisorStates). */
  static final int RUNNING = 1;
  static final int SHUTDOWN = -1;
  /** Process states in which a process counts as running (supervisor.states.RUNNING_STATES). */
  private static final Set<String> RUNNING_STATES = Set.of("STARTING", "RUNNING", "BACKOFF");
  /** The original's number of state queries before and after a launch. */
  private static final int STATE_TRIES = 5;

  /** What the node supervisord needs from configuration and from the node process. */
  record Settings(Path supervisord, Path supervisorctl, Duration rpcTimeout, Duration launchTimeout,
      int removeRetries, Duration removeRetryInterval) {
    Settings {
      if (rpcTimeout.isNegative() || rpcTimeout.isZero()) {
        throw new IllegalArgumentException("rpc.timeout.seconds must be positive: " + rpcTimeout);
      }
      if (launchTimeout.isNegative() || launchTimeout.isZero()) {
        throw new IllegalArgumentException("launch.timeout.seconds must be positive: " + launchTimeout);
      }
      if (removeRetries < 1) {
        throw new IllegalArgumentException("remove.retries must be at least 1: " + removeRetries);
      }
    }
  }

  private final Settings settings;
  private final Accounts accounts;

  SupervisordNode(Settings settings, Accounts accounts) {
    this.settings = settings;
    this.accounts = accounts;
  }

  private SupervisorRpc rpc(Path socket) {
    return new SupervisorRpc(socket, settings.rpcTimeout());
  }

  @Override
  public synchronized void writeNodeConfiguration(SupervisorSettings node) throws SupervisorException {
    Path root = node.instanceRoot();
    if (!Files.isDirectory(root)) {
      throw new SupervisorException(root + " does not exist.");
    }
    stopSecondSupervisord(node);
    try {
      Path var = root.resolve("var");
      if (!Files.isDirectory(var)) {
        Files.createDirectory(var);
      }
      Files.setPosixFilePermissions(var, SupervisorFiles.VAR_DIRECTORY);
      SupervisorFiles.privateDirectory(root.resolve("var/log"));
      SupervisorFiles.privateDirectory(root.resolve("var/run"));
      SupervisorFiles.privateDirectory(root.resolve("etc"));
      SupervisorFiles.privateDirectory(node.programDirectory());
      String content = SupervisorFiles.nodeConfiguration(node);
      if (SupervisorFiles.updateFile(node.configurationFile(), content, SupervisorFiles.PRIVATE_FILE)) {
        LOG.info("Wrote {}", node.configurationFile());
      }
    } catch (IOException e) {
      throw new SupervisorException("Cannot write the supervisord configuration in " + root + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new SupervisorException(e.getMessage(), e);
    }
  }

  /**
   * slapos.core 1.6.1 left a second supervisord on {@code sv.sock} next to the legacy
   * {@code supervisord.socket} one; the original stops it whenever both sockets exist, and so do we.
   */
  private void stopSecondSupervisord(SupervisorSettings node) {
    Path legacy = node.instanceRoot().resolve("supervisord.socket");
    Path current = node.instanceRoot().resolve("sv.sock");
    if (Files.exists(legacy) && Files.isReadable(current)) {
      LOG.error("We have two supervisord running ! Stopping the one using {} to keep using legacy {} instead",
          current, legacy);
      SupervisorRpc second = rpc(current);
      try {
        second.stopAllProcesses();
        second.shutdown();
      } catch (IOException | XmlRpc.Fault e) {
        LOG.warn("Could not stop the supervisord on {}: {}", current, e.getMessage());
      }
    }
  }

  @Override
  public synchronized void ensureRunning(SupervisorSettings node) throws SupervisorException {
    if (answersRunning(node)) {
      return;
    }
    Process process = start(node, false);
    String output = drain(process);
    if (process.exitValue() != 0) {
      LOG.warn("Supervisord unknown problem: {}", output);
      throw new SupervisorException("Failed to launch supervisord:\n" + output.strip());
    }
    awaitRunning(node);
  }

  @Override
  public int runInForeground(SupervisorSettings node) throws SupervisorException {
    synchronized (this) {
      if (answersRunning(node)) {
        return 0;
      }
    }
    Process process = start(node, true);
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      // The caller stops: supervisord stops its programs on TERM.
      process.destroy();
      Thread.currentThread().interrupt();
      throw new SupervisorException("Interrupted while supervisord ran in the foreground; it was told to stop", e);
    }
  }

  @Override
  public List<String> supervisorctlCommand(SupervisorSettings node) {
    return List.of(settings.supervisorctl().toString(), "-c", node.configurationFile().toString());
  }

  /**
   * The original's check before a launch: true when supervisord answers RUNNING (then the watchdog
   * listener is made to run); waits while it shuts down; false when nothing answers.
   */
  private boolean answersRunning(SupervisorSettings node) throws SupervisorException {
    Path socket = node.socket();
    if (!Files.exists(socket)) {
      return false;
    }
    SupervisorRpc rpc = rpc(socket);
    for (int attempt = 1; attempt <= STATE_TRIES; attempt++) {
      Map<String, Object> state;
      try {
        state = rpc.getState();
      } catch (XmlRpc.Fault e) {
        if (e.code() == SupervisorRpc.SHUTDOWN_STATE) {
          LOG.info("Supervisor in shutdown procedure, will check again later.");
          pause(Duration.ofSeconds(2L * (attempt + 1)));
          continue;
        }
        throw new SupervisorException("supervisord on " + socket + " answered: " + e.getMessage(), e);
      } catch (IOException e) {
        LOG.debug("Nothing answers on {} ({}): launching supervisord", socket, e.getMessage());
        return false;
      }
      Object code = state.get("statecode");
      if (Integer.valueOf(RUNNING).equals(code)) {
        LOG.debug("Supervisord already running.");
        updateWatchdog(rpc);
        return true;
      }
      if (Integer.valueOf(SHUTDOWN).equals(code)) {
        LOG.info("Supervisor in shutdown procedure, will check again later.");
        pause(Duration.ofSeconds(2L * (attempt + 1)));
        continue;
      }
      LOG.warn("Unknown supervisord state {}. Will try to start.", state);
      return false;
    }
    return false;
  }

  /**
   * supervisord may have been started with an empty watchdog command ({@code node supervisord}); once
   * the real one is written, a listener that does not run is reloaded and added again (remove, reload,
   * add: reloadConfig alone does not do it, supervisor issue 339).
   */
  private void updateWatchdog(SupervisorRpc rpc) throws SupervisorException {
    try {
      Object state = rpc.getProcessInfo("watchdog").get("statename");
      if (!RUNNING_STATES.contains(String.valueOf(state))) {
        rpc.removeProcessGroup("watchdog");
        rpc.reloadConfig();
        rpc.addProcessGroup("watchdog");
        LOG.info("Reloaded the watchdog event listener (it was {})", state);
      }
    } catch (IOException | XmlRpc.Fault e) {
      throw new SupervisorException("Cannot update the watchdog listener of supervisord on " + rpc.socket() + ": "
          + e.getMessage(), e);
    }
  }

  private Process start(SupervisorSettings node, boolean foreground) throws SupervisorException {
    if (!Files.isExecutable(settings.supervisord())) {
      throw new SupervisorException("supervisord not found or not executable: " + settings.supervisord()
          + " (run bin/setup-supervisor or configure " + NodeSupervisor.PID + " supervisord)");
    }
    List<String> command = new ArrayList<>(List.of(settings.supervisord().toString(), "-c",
        node.configurationFile().toAbsolutePath().toString()));
    if (foreground) {
      command.add("--nodaemon");
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(node.instanceRoot().toFile());
    // A clean environment, as the original: nothing of the node's (secrets, PATH) reaches the programs.
    // The launcher sets the module path Python needs itself.
    builder.environment().clear();
    if (foreground) {
      builder.inheritIO();
    } else {
      builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    LOG.info("Launching supervisord with clean environment.");
    try {
      return builder.start();
    } catch (IOException e) {
      throw new SupervisorException("Failed to launch supervisord:\n" + e.getMessage(), e);
    }
  }

  /** Waits for the daemonizing parent to exit and returns what it printed. */
  private String drain(Process process) throws SupervisorException {
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = process.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(output unreadable: " + e.getMessage() + ")";
      }
    });
    try {
      if (!process.waitFor(settings.launchTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new SupervisorException("Failed to launch supervisord: it did not daemonize within "
            + settings.launchTimeout().toSeconds() + " s");
      }
      // The daemon closes its copies of the pipe at once; a bounded wait keeps a stray holder from blocking us.
      return output.get(settings.launchTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SupervisorException("Interrupted while launching supervisord", e);
    } catch (ExecutionException | TimeoutException e) {
      return "(output not available: " + e + ")";
    }
  }

  /** Polls getState until RUNNING or the launch timeout. */
  private void awaitRunning(SupervisorSettings node) throws SupervisorException {
    SupervisorRpc rpc = rpc(node.socket());
    long deadline = System.nanoTime() + settings.launchTimeout().toNanos();
    String last = "no answer";
    int attempt = 0;
    while (true) {
      attempt++;
      try {
        Map<String, Object> state = rpc.getState();
        if (Integer.valueOf(RUNNING).equals(state.get("statecode"))) {
          LOG.info("Supervisord started correctly in try {}.", attempt);
          return;
        }
        last = "state " + state.get("statename");
      } catch (IOException | XmlRpc.Fault e) {
        last = e.getMessage();
      }
      if (System.nanoTime() >= deadline) {
        throw new SupervisorException("supervisord did not answer RUNNING on " + node.socket() + " within "
            + settings.launchTimeout().toSeconds() + " s (" + last + "); see "
            + node.instanceRoot().resolve("var/log/supervisord.log"));
      }
      pause(Duration.ofMillis(Math.min(50L * attempt, 500)));
    }
  }

  @Override
  public synchronized List<String> startPartition(SupervisorSettings node, PartitionPrograms partition)
      throws SupervisorException {
    String id = partition.partitionId();
    checkPartitionId(id);
    List<SupervisorFiles.Program> programs = SupervisorFiles.programs(partition.directory());
    List<Path> remaining = new ArrayList<>(partitionFiles(node, id));
    List<String> names = new ArrayList<>();
    try {
      if (programs.isEmpty()) {
        LOG.warn("No runners nor services found for partition '{}'", id);
      } else {
        Path file = node.programDirectory().resolve(id + ".conf");
        String content = SupervisorFiles.groupConfiguration(id, partition.directory(), programs, runAs(partition));
        SupervisorFiles.updateFile(file, content, SupervisorFiles.PRIVATE_FILE);
        remaining.remove(file);
        programs.forEach(program -> names.add(id + ":" + program.name()));
      }
      for (Path file : remaining) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new SupervisorException("Cannot write the supervisord programs of " + id + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new SupervisorException("Partition " + id + ": " + e.getMessage(), e);
    }
    if (!programs.isEmpty() || !remaining.isEmpty()) {
      update(node);
    }
    try {
      rpc(node.socket()).startProcessGroup(id, false);
      LOG.info("Requested start of {}...", id);
    } catch (XmlRpc.Fault e) {
      if (e.code() != SupervisorRpc.BAD_NAME) {
        throw new SupervisorException("Cannot start " + id + ": " + e.getMessage(), e);
      }
      LOG.info("Nothing to start on {}...", id);
    } catch (IOException e) {
      throw new SupervisorException("Cannot start " + id + ": " + e.getMessage(), e);
    }
    return List.copyOf(names);
  }

  @Override
  public synchronized List<String> startManagerGroup(SupervisorSettings node, PartitionPrograms partition,
      String suffix, Path programsDirectory) throws SupervisorException {
    String id = partition.partitionId();
    checkPartitionId(id);
    if (!suffix.matches("[a-z][a-z0-9]*")) {
      throw new SupervisorException("Bad manager group suffix: " + suffix);
    }
    String group = id + "-" + suffix;
    List<SupervisorFiles.Program> programs = SupervisorFiles.entries(programsDirectory, "");
    Path file = node.programDirectory().resolve(group + ".conf");
    boolean changed;
    try {
      if (programs.isEmpty()) {
        changed = Files.deleteIfExists(file);
      } else {
        changed = SupervisorFiles.updateFile(file,
            SupervisorFiles.groupConfiguration(group, partition.directory(), programs, runAs(partition)),
            SupervisorFiles.PRIVATE_FILE);
      }
    } catch (IOException e) {
      throw new SupervisorException("Cannot write the supervisord programs of " + group + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new SupervisorException("Partition " + id + ": " + e.getMessage(), e);
    }
    if (changed) {
      update(node);
    }
    List<String> names = programs.stream().map(program -> group + ":" + program.name()).toList();
    // Only programs never started yet: one that ran and ended must not run again (the original's start == 0).
    Set<String> neverStarted = new java.util.HashSet<>();
    for (ProcessInfo process : processes(node)) {
      if (process.group().equals(group) && process.state().equals("STOPPED")) {
        neverStarted.add(process.fullName());
      }
    }
    for (String name : names) {
      if (neverStarted.contains(name)) {
        try {
          rpc(node.socket()).startProcess(name, false);
          LOG.info("Requested start of {}", name);
        } catch (IOException | XmlRpc.Fault e) {
          throw new SupervisorException("Cannot start " + name + ": " + e.getMessage(), e);
        }
      }
    }
    return names;
  }

  @Override
  public synchronized void stopPartition(SupervisorSettings node, String partitionId) throws SupervisorException {
    checkPartitionId(partitionId);
    Path file = node.programDirectory().resolve(partitionId + ".conf");
    boolean existed;
    try {
      existed = Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new SupervisorException("Cannot remove " + file + ": " + e.getMessage(), e);
    }
    if (existed) {
      update(node);
      LOG.info("Requested stop of {}...", partitionId);
    }
  }

  @Override
  public synchronized void removePartition(SupervisorSettings node, String partitionId) throws SupervisorException {
    checkPartitionId(partitionId);
    List<Path> files = partitionFiles(node, partitionId);
    try {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new SupervisorException("Cannot remove the supervisord programs of " + partitionId + ": " + e.getMessage(), e);
    }
    if (!files.isEmpty()) {
      update(node);
    }
  }

  @Override
  public synchronized void startAll(SupervisorSettings node) throws SupervisorException {
    try {
      rpc(node.socket()).startAllProcesses(false);
    } catch (IOException | XmlRpc.Fault e) {
      throw new SupervisorException("Cannot start the processes of supervisord on " + node.socket() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public List<ProcessInfo> processes(SupervisorSettings node) throws SupervisorException {
    try {
      List<ProcessInfo> processes = new ArrayList<>();
      for (Map<String, Object> info : rpc(node.socket()).getAllProcessInfo()) {
        processes.add(new ProcessInfo(String.valueOf(info.get("group")), String.valueOf(info.get("name")),
            String.valueOf(info.get("statename")), number(info.get("pid")), number(info.get("exitstatus")),
            String.valueOf(info.get("description"))));
      }
      return processes;
    } catch (IOException | XmlRpc.Fault e) {
      throw new SupervisorException("Cannot list the processes of supervisord on " + node.socket() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void shutdown(SupervisorSettings node) throws SupervisorException {
    Path socket = node.socket();
    Optional<ProcessHandle> daemon = daemon(node);
    SupervisorRpc rpc = rpc(socket);
    try {
      rpc.getState();
    } catch (IOException e) {
      LOG.debug("No supervisord answers on {}: nothing to shut down", socket);
      return;
    } catch (XmlRpc.Fault e) {
      // Already shutting down: wait for it below.
      LOG.debug("supervisord on {}: {}", socket, e.getMessage());
    }
    try {
      rpc.stopAllProcesses();
      rpc.shutdown();
    } catch (XmlRpc.Fault e) {
      if (e.code() != SupervisorRpc.SHUTDOWN_STATE) {
        throw new SupervisorException("Cannot shut supervisord down on " + socket + ": " + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw new SupervisorException("Cannot shut supervisord down on " + socket + ": " + e.getMessage(), e);
    }
    if (daemon.isPresent()) {
      try {
        daemon.get().onExit().get(settings.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SupervisorException("Interrupted while supervisord shut down", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new SupervisorException("supervisord (pid " + daemon.get().pid() + ") did not exit within "
            + settings.rpcTimeout().toSeconds() + " s of its shutdown", e);
      }
    }
    LOG.info("supervisord on {} shut down", socket);
  }

  /** The running supervisord named by its pid file, if any. */
  private static Optional<ProcessHandle> daemon(SupervisorSettings node) {
    Path pidFile = node.instanceRoot().resolve("var/run/supervisord.pid");
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * supervisorctl's "update", as the original does it: reloadConfig, then removed groups are stopped
   * and removed (retried while processes linger), changed groups are stopped, removed and added
   * again, added groups are added.
   */
  private void update(SupervisorSettings node) throws SupervisorException {
    SupervisorRpc rpc = rpc(node.socket());
    LOG.debug("Updating supervisord");
    try {
      List<List<String>> changes = rpc.reloadConfig();
      for (String group : changes.get(2)) {
        List<Map<String, Object>> results = rpc.stopProcessGroup(group);
        if (results.stream().anyMatch(r -> Integer.valueOf(SupervisorRpc.FAILED).equals(r.get("status")))) {
          LOG.warn("Problem while stopping process '{}', will try later", group);
        } else {
          LOG.info("Stopped '{}'", group);
        }
        removeWithRetries(rpc, group);
        LOG.info("Removed '{}'", group);
      }
      for (String group : changes.get(1)) {
        rpc.stopProcessGroup(group);
        LOG.info("Stopped '{}'", group);
        rpc.removeProcessGroup(group);
        rpc.addProcessGroup(group);
        LOG.info("Updated '{}'", group);
      }
      for (String group : changes.get(0)) {
        rpc.addProcessGroup(group);
        LOG.info("Updated '{}'", group);
      }
    } catch (IOException | XmlRpc.Fault e) {
      throw new SupervisorException("Cannot update supervisord on " + node.socket() + ": " + e.getMessage(), e);
    }
    LOG.debug("Supervisord updated");
  }

  /** Some processes may still be stopping: the original tries ten times, one second apart. */
  private void removeWithRetries(SupervisorRpc rpc, String group) throws IOException, XmlRpc.Fault, SupervisorException {
    for (int attempt = 1; ; attempt++) {
      try {
        rpc.removeProcessGroup(group);
        return;
      } catch (IOException | XmlRpc.Fault e) {
        if (attempt >= settings.removeRetries()) {
          throw e;
        }
        LOG.debug("Removing group {} failed ({}), retrying", group, e.getMessage());
        pause(settings.removeRetryInterval());
      }
    }
  }

  /** {@code <id>.conf} (any extension, as the original) and the manager groups' {@code <id>-*.conf}. */
  private static List<Path> partitionFiles(SupervisorSettings node, String id) throws SupervisorException {
    Path directory = node.programDirectory();
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(file -> {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return stem.equals(id) || name.startsWith(id + "-");
      }).sorted().toList();
    } catch (IOException e) {
      throw new SupervisorException("Cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * Who the programs run as. As root: the partition's user and group, never root itself. Otherwise
   * supervisord cannot switch users (it refuses "Can't drop privilege as nonroot user") but accepts
   * its own uid, which is what the original writes then (the partitions belong to the node's user).
   */
  private SupervisorFiles.RunAs runAs(PartitionPrograms partition) throws SupervisorException {
    long[] current = accounts.current();
    if (current[0] == 0) {
      Accounts.Account user = accounts.user(partition.user());
      long gid = accounts.group(partition.group());
      if (user.uid() == 0 || gid == 0) {
        throw new SupervisorException("Partition " + partition.partitionId() + " would run its programs as uid="
            + user.uid() + " gid=" + gid + ": too dangerous, its directory must belong to its own user");
      }
      return new SupervisorFiles.RunAs(String.valueOf(user.uid()), String.valueOf(gid), user.name(), partition.home());
    }
    String name;
    try {
      name = accounts.user(String.valueOf(current[0])).name();
    } catch (SupervisorException e) {
      // A container may run the node under a uid without a passwd entry: its number is all there is.
      LOG.debug("No account name for uid {}: {}", current[0], e.getMessage());
      name = String.valueOf(current[0]);
    }
    return new SupervisorFiles.RunAs(String.valueOf(current[0]), String.valueOf(current[1]), name, partition.home());
  }

  /** A partition id names files in the program directory and a supervisord group: a plain name only. */
  private static void checkPartitionId(String id) throws SupervisorException {
    if (id.isEmpty() || id.equals(".") || id.equals("..") || id.contains("/") || id.startsWith(".")) {
      throw new SupervisorException("Not a partition id: " + id.replaceAll("\\p{Cntrl}", "?"));
    }
    try {
      SupervisorFiles.name(id);
    } catch (IllegalArgumentException e) {
      throw new SupervisorException(e.getMessage(), e);
    }
  }

  private static int number(Object value) {
    return value instanceof Integer number ? number : 0;
  }

  /** Waits between polls of supervisord's state; a poll with a deadline, not a race. */
  private static void pause(Duration duration) throws SupervisorException {
    LockSupport.parkNanos(duration.toNanos());
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
      throw new SupervisorException("Interrupted while waiting for supervisord");
    }
  }
}
