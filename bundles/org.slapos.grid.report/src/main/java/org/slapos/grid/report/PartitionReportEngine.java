package org.slapos.grid.report;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.InstanceSettings;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.PartitionReporter;
import org.slapos.grid.api.ReportRun;
import org.slapos.grid.api.ReportRunRequest;
import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ServerError;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.ProcessInfo;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;
import org.slapos.tio.api.Movement;
import org.slapos.tio.api.PartitionUsage;
import org.slapos.tio.api.TioException;
import org.slapos.tio.api.TioReporter;
import org.slapos.tio.api.UsagePartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slapos node report}'s engine (node-behavior §6.1): prepares the node supervisord, fetches
 * and filters the partitions as {@code node instance} does (§5.3), runs the report scripts, sends the
 * computer usage files and the journal of the partitions' usage files with {@code useComputer}
 * (through the {@link TioReporter}), then destroys the partitions requested {@code destroyed}.
 * One partition's failure never stops the others; each is told to the master and makes the run
 * return 1.
 */
@Component(service = PartitionReporter.class)
public final class PartitionReportEngine implements PartitionReporter {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionReportEngine.class);
  /** Names the supervisor processes a partition's prerm scripts run as; destruction waits for them. */
  static final String WAIT_SERVICE_LIST = ".slapos-report-wait-service-list";
  /** How long a report or destroy script may run when neither partition_timeout nor the buildout timeout is set. */
  static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofHours(1);
  private static final Set<String> BUSY_STATES = Set.of("RUNNING", "STARTING");

  /** The master as the report run uses it: production talks SLAP, unit tests record. */
  interface Master {
    /** The partitions the master lists for this node. */
    List<ComputerPartition> partitions(NodeSettings settings) throws SlapException;

    /** {@code POST useComputer} with a computer consumption document. */
    void reportUsage(NodeSettings settings, String computerConsumptionXml) throws SlapException;
  }

  private final Master master;
  private final NodeSupervisor supervisor;
  private final TioReporter tio;
  private final ScriptRunner scripts;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  @Activate
  public PartitionReportEngine(@Reference SlapConnector connector, @Reference NodeSupervisor supervisor,
      @Reference TioReporter tio) {
    this(new Master() {
      @Override
      public List<ComputerPartition> partitions(NodeSettings settings) throws SlapException {
        return computer(connector, settings).getComputerPartitionList();
      }

      @Override
      public void reportUsage(NodeSettings settings, String xml) throws SlapException {
        computer(connector, settings).reportUsage(xml);
      }
    }, supervisor, tio, new ScriptRunner(), Clock.systemDefaultZone());
  }

  PartitionReportEngine(Master master, NodeSupervisor supervisor, TioReporter tio, ScriptRunner scripts, Clock clock) {
    this.master = master;
    this.supervisor = supervisor;
    this.tio = tio;
    this.scripts = scripts;
    this.clock = clock;
  }

  private static Computer computer(SlapConnector connector, NodeSettings settings) throws SlapException {
    return connector.initializeConnection(settings.masterUrl(), settings.connection())
        .registerComputer(settings.computerId());
  }

  /** A partition of the master's list that is not free and whose directory exists. */
  private record Listed(ComputerPartition partition, String id, Path directory, String state, String url) {
  }

  /** What the run accumulates. */
  private static final class Tally {
    final List<String> destroyed = new ArrayList<>();
    final List<String> retained = new ArrayList<>();
    final List<String> waiting = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final List<Path> invalid = new ArrayList<>();
    int sent;
  }

  @Override
  public ReportRun run(ReportRunRequest request, Consumer<String> progress) throws GridException {
    long start = System.nanoTime();
    NodeSettings settings = request.settings();
    InstanceSettings instance = request.instance();
    Path instanceRoot = settings.instanceRoot().toAbsolutePath().normalize();
    if (!Files.isDirectory(instanceRoot)) {
      throw new GridException("Instance root does not exist or is not a directory: " + instanceRoot);
    }
    SupervisorSettings supervision = new SupervisorSettings(instanceRoot, instance.watchdogCommand());
    try {
      supervisor.writeNodeConfiguration(supervision);
      if (!instance.forbidSupervisordAutomaticLaunch()) {
        supervisor.ensureRunning(supervision);
      }
    } catch (SupervisorException e) {
      throw new GridException("The node supervisord cannot be prepared: " + e.getMessage(), e);
    }
    List<ComputerPartition> all;
    try {
      all = master.partitions(settings);
    } catch (SlapException e) {
      throw new GridException("Cannot get the partitions of " + settings.computerId() + " from "
          + settings.masterUrl() + ": " + e.getMessage(), e);
    }
    Tally tally = new Tally();
    List<Listed> partitions = select(all, instanceRoot, progress);
    boolean root = scripts.nodeIsRoot();
    Duration timeout = instance.partitionTimeout() != null ? instance.partitionTimeout()
        : settings.buildoutTimeout() != null ? settings.buildoutTimeout() : DEFAULT_SCRIPT_TIMEOUT;

    progress.accept("Running the usage report scripts...");
    for (Listed listed : partitions) {
      runReportScripts(listed, root, timeout, tally, progress);
    }
    Set<String> excluded = new HashSet<>();
    sendComputerUsage(settings, instanceRoot, tally, progress);
    sendPartitionUsage(settings, instanceRoot, partitions, excluded, tally, progress);

    PartitionDestroyer destroyer = new PartitionDestroyer(scripts, supervisor, supervision, clock, root, timeout,
        instance.certificateRepositoryPath() == null ? null : instance.certificateRepositoryPath().toAbsolutePath(),
        instance.instanceStorageHome());
    for (Listed listed : partitions) {
      if (ComputerPartition.STATE_DESTROYED.equals(listed.state)) {
        collectGarbage(listed, destroyer, supervision, excluded.contains(listed.id), tally, progress);
      }
    }
    ReportRun run = new ReportRun(tally.destroyed, tally.retained, tally.waiting, tally.failures, tally.sent,
        tally.invalid, Duration.ofNanos(System.nanoTime() - start));
    LOG.info("Usage report finished: {} destroyed, {} retained, {} waiting, {} failure(s), {} document(s) sent",
        run.destroyed().size(), run.retained().size(), run.waiting().size(), run.failures().size(),
        run.usageDocumentsSent());
    return run;
  }

  /** §5.3: a missing directory is told to the master and skipped; free partitions are ignored. */
  private List<Listed> select(List<ComputerPartition> all, Path instanceRoot, Consumer<String> progress) {
    List<Listed> selected = new ArrayList<>();
    for (ComputerPartition partition : all) {
      String id = "(no id)";
      try {
        id = partition.getId();
        Path directory = PartitionPath.childOf(instanceRoot, id, "partition id");
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
          String message = "Partition directory " + directory + " does not exist.";
          LOG.warn(message);
          progress.accept(message);
          partition.error(message, null);
          continue;
        }
        String state = partition.getState();
        String url = softwareReleaseUrl(partition);
        if (ComputerPartition.STATE_DESTROYED.equals(state) && (url == null || url.isEmpty())) {
          continue;
        }
        selected.add(new Listed(partition, id, directory, state, url == null ? "" : url));
      } catch (SlapException | ReportFailure e) {
        String message = "Partition " + id + " is ignored: " + e.getMessage();
        LOG.warn(message);
        progress.accept(message);
      }
    }
    return selected;
  }

  private static String softwareReleaseUrl(ComputerPartition partition) throws SlapException {
    try {
      return partition.getSoftwareRelease().getURI();
    } catch (NotFoundError e) {
      return null;
    }
  }

  /**
   * §6.1 step 2: every entry of {@code etc/report}, as the partition's user, with a fresh
   * non-existent path under {@code var/xml_report} to write its report to.
   */
  private void runReportScripts(Listed listed, boolean root, Duration timeout, Tally tally, Consumer<String> progress) {
    Path reportDirectory = listed.directory.resolve("etc").resolve("report");
    if (!Files.isDirectory(reportDirectory, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<String> failedScripts = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(reportDirectory)) {
      List<Path> scriptsToRun = new ArrayList<>();
      entries.forEach(scriptsToRun::add);
      scriptsToRun.sort(null);
      for (Path script : scriptsToRun) {
        String name = script.getFileName().toString();
        Path output = freshReportPath(listed.directory);
        ScriptRunner.Result result;
        try {
          result = scripts.run(listed.directory, script, List.of(output.toString()), reportDirectory, timeout, root);
        } catch (IOException e) {
          result = new ScriptRunner.Result(-1, false, e.getMessage());
        }
        if (!result.succeeded()) {
          LOG.error("Report script {} of {} exited with {}{}:\n{}", name, listed.id, result.exitCode(),
              result.timedOut() ? " (timed out)" : "", result.output());
          failedScripts.add("Script '" + name + "' failed.");
        }
      }
    } catch (IOException e) {
      failedScripts.add("Cannot list " + reportDirectory + ": " + e.getMessage());
    }
    if (!failedScripts.isEmpty()) {
      String message = String.join("\n", failedScripts);
      progress.accept("Partition " + listed.id + ": " + message.replace('\n', ' '));
      tally.failures.add(listed.id + ": " + message.replace('\n', ' '));
      listed.partition.error(message, null);
    }
  }

  /** {@code <partition>/var/xml_report/slapreport.XXXXXX}: not created, as the original. */
  private Path freshReportPath(Path partition) {
    Path directory = partition.resolve("var").resolve("xml_report");
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";
    while (true) {
      StringBuilder name = new StringBuilder("slapreport.");
      for (int i = 0; i < 6; i++) {
        name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      Path candidate = directory.resolve(name.toString());
      if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
        return candidate;
      }
    }
  }

  /**
   * §6.1 step 4: the computer usage files {@code node collect} drops in
   * {@code <instance_root>/var/xml_report/<computer_id>/}: valid ones posted as they are, then deleted.
   */
  private void sendComputerUsage(NodeSettings settings, Path instanceRoot, Tally tally, Consumer<String> progress) {
    Path directory;
    try {
      directory = PartitionPath.childOf(instanceRoot.resolve("var").resolve("xml_report"), settings.computerId(),
          "computer id");
      for (Path file : UsageFiles.list(directory)) {
        String xml;
        try {
          xml = UsageFiles.read(file);
          tio.validate(xml, TioReporter.Schema.COMPUTER_CONSUMPTION);
        } catch (IOException | TioException e) {
          invalid(file, e.getMessage(), tally, progress);
          continue;
        }
        try {
          master.reportUsage(settings, xml);
          tally.sent++;
          Files.delete(file);
          progress.accept("Sent computer usage report " + file.getFileName());
        } catch (SlapException e) {
          String message = "Cannot send the computer usage report " + file + ": " + e.getMessage();
          LOG.error(message);
          progress.accept(message);
          tally.failures.add(message);
        }
      }
    } catch (IOException | ReportFailure e) {
      String message = "Cannot read the computer usage reports: " + e.getMessage();
      LOG.error(message);
      tally.failures.add(message);
    }
  }

  /**
   * §6.1 steps 3 and 5: the partitions' usage files, validated, joined into one journal with the
   * usage contributors' movements and posted. Valid files are deleted once the journal is sent; on
   * failure the last partition of the list is told and kept from destruction in this run.
   */
  private void sendPartitionUsage(NodeSettings settings, Path instanceRoot, List<Listed> partitions,
      Set<String> excluded, Tally tally, Consumer<String> progress) {
    if (partitions.isEmpty()) {
      return;
    }
    List<PartitionUsage> usages = new ArrayList<>();
    List<Path> sentFiles = new ArrayList<>();
    List<UsagePartition> usagePartitions = new ArrayList<>();
    Path nodeReports = instanceRoot.resolve("var").resolve("xml_report");
    for (Listed listed : partitions) {
      usagePartitions.add(new UsagePartition(listed.id, listed.directory, listed.url));
      Map<Path, List<Movement>> valid = new LinkedHashMap<>();
      for (Path directory : List.of(listed.directory.resolve("var").resolve("xml_report"), nodeReports.resolve(listed.id))) {
        try {
          if (!insideOf(directory, listed.directory) && !insideOf(directory, nodeReports)) {
            throw new IOException(directory + " leads outside its partition");
          }
          for (Path file : UsageFiles.list(directory)) {
            try {
              String xml = UsageFiles.read(file);
              tio.validate(xml, TioReporter.Schema.PARTITION_CONSUMPTION);
              valid.put(file, tio.movements(xml));
            } catch (IOException | TioException e) {
              invalid(file, e.getMessage(), tally, progress);
            }
          }
        } catch (IOException e) {
          LOG.warn("Partition {}: cannot read the usage reports of {}: {}", listed.id, directory, e.getMessage());
        }
      }
      List<Movement> movements = new ArrayList<>();
      valid.values().forEach(movements::addAll);
      if (!movements.isEmpty()) {
        usages.add(new PartitionUsage(listed.id, movements));
      }
      sentFiles.addAll(valid.keySet());
    }
    Listed last = partitions.get(partitions.size() - 1);
    try {
      String journal = tio.journal(settings.computerId(), usages, usagePartitions, LocalDateTime.now(clock));
      if (journal.isEmpty()) {
        return;
      }
      master.reportUsage(settings, journal);
      tally.sent++;
      progress.accept("Sent the usage journal (" + usages.size() + " partition report(s))");
      for (Path file : sentFiles) {
        Files.deleteIfExists(file);
      }
    } catch (TioException | SlapException | IOException | RuntimeException e) {
      String message = "Cannot report usage for " + settings.computerId() + ": " + e.getMessage();
      LOG.error(message, e);
      progress.accept(message);
      tally.failures.add(message);
      excluded.add(last.id);
      last.partition.error(message, null);
    }
  }

  /** Whether {@code directory} (when it exists) really lies under {@code root}, links resolved. */
  private static boolean insideOf(Path directory, Path root) throws IOException {
    if (!Files.exists(directory)) {
      return true;
    }
    return directory.toRealPath().startsWith(root.toRealPath());
  }

  private static void invalid(Path file, String reason, Tally tally, Consumer<String> progress) {
    String message = "Invalid usage report " + file + " is left in place and not sent: " + reason;
    LOG.warn(message);
    progress.accept(message);
    tally.invalid.add(file);
  }

  /** §6.1 step 6 for one partition requested destroyed. */
  private void collectGarbage(Listed listed, PartitionDestroyer destroyer, SupervisorSettings supervision,
      boolean excluded, Tally tally, Consumer<String> progress) {
    try {
      supervisor.stopPartition(supervision, listed.id);
    } catch (SupervisorException e) {
      LOG.warn("Partition {}: cannot stop its services: {}", listed.id, e.getMessage());
    }
    try {
      listed.partition.stopped();
    } catch (SlapException | RuntimeException e) {
      LOG.debug("Partition {}: stoppedComputerPartition failed (ignored): {}", listed.id, e.getMessage());
    }
    if (excluded) {
      LOG.info("Partition {} is not destroyed in this run: its usage could not be reported", listed.id);
      return;
    }
    try {
      startPrerm(listed, destroyer, supervision, progress);
      List<String> busy = busyServices(listed, supervision);
      if (!busy.isEmpty()) {
        String message = "There are running processes into the partition " + listed.id
            + ", wait until they finish...";
        LOG.info("{} ({})", message, String.join(", ", busy));
        progress.accept(message);
        tally.waiting.add(listed.id);
        return;
      }
      if (!destroyer.destroy(listed.id, listed.directory)) {
        progress.accept("Partition " + listed.id + ": impossible to destroy it yet because of its retention lock.");
        tally.retained.add(listed.id);
        return;
      }
      try {
        listed.partition.destroyed();
      } catch (NotFoundError e) {
        LOG.debug("Partition {}: destroyedComputerPartition answered not found (ignored)", listed.id);
      } catch (ServerError e) {
        LOG.warn("Partition {}: destroyedComputerPartition failed on the master (ignored): {}", listed.id,
            e.getMessage());
      }
      tally.destroyed.add(listed.id);
      progress.accept("Partition " + listed.id + " destroyed.");
      LOG.info("Partition {} destroyed", listed.id);
    } catch (ReportFailure | SlapException | SupervisorException | IOException | RuntimeException e) {
      String message = e instanceof ReportFailure ? e.getMessage() : trace(e);
      if (e instanceof ReportFailure) {
        LOG.error("Destroying partition {} failed: {}", listed.id, e.getMessage());
      } else {
        LOG.error("Destroying partition {} failed", listed.id, e);
      }
      progress.accept("Partition " + listed.id + ": " + e.getMessage());
      tally.failures.add(listed.id + ": " + e.getMessage());
      listed.partition.error(message, null);
    }
  }

  /**
   * The prerm manager (§5.11): when destruction is allowed, the programs of {@code etc/prerm} run in
   * supervisor group {@code <id>-prerm} before the partition is emptied, and the wait list names them
   * so that destruction waits until they have ended.
   */
  private void startPrerm(Listed listed, PartitionDestroyer destroyer, SupervisorSettings supervision,
      Consumer<String> progress) throws IOException, SupervisorException {
    Path prerm = listed.directory.resolve("etc").resolve("prerm");
    // Neither etc nor etc/prerm may be a link the partition planted to point the node elsewhere.
    if (Files.isSymbolicLink(prerm.getParent()) || !Files.isDirectory(prerm, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (java.util.stream.Stream<Path> entries = Files.list(prerm)) {
      if (entries.findAny().isEmpty()) {
        return;
      }
    }
    if (destroyer.retained(listed.directory)) {
      return;
    }
    java.nio.file.attribute.PosixFileAttributes owner = Files.readAttributes(listed.directory,
        java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    List<String> names = supervisor.startManagerGroup(supervision, new org.slapos.supervisor.api.PartitionPrograms(
        listed.id, listed.directory, owner.owner().getName(), owner.group().getName(), listed.directory), "prerm", prerm);
    Path waitList = listed.directory.resolve(WAIT_SERVICE_LIST);
    Path temporary = Files.createTempFile(listed.directory, ".wait-service-list-", "");
    try {
      Files.writeString(temporary, names.stream().map(name -> name + "\n").collect(java.util.stream.Collectors.joining()));
      Files.move(temporary, waitList, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
    progress.accept("Partition " + listed.id + ": prerm programs started: " + String.join(", ", names));
  }

  /** The processes named in {@code .slapos-report-wait-service-list} that supervisord still runs. */
  private List<String> busyServices(Listed listed, SupervisorSettings supervision)
      throws IOException, SupervisorException {
    Path file = listed.directory.resolve(WAIT_SERVICE_LIST);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    Set<String> names = new HashSet<>();
    Files.readAllLines(file).stream().map(String::strip).filter(line -> !line.isEmpty()).forEach(names::add);
    List<String> busy = new ArrayList<>();
    for (ProcessInfo process : supervisor.processes(supervision)) {
      if (names.contains(process.fullName()) && BUSY_STATES.contains(process.state())) {
        busy.add(process.fullName());
      }
    }
    return busy;
  }

  /** The traceback the original posts with {@code softwareInstanceError}. */
  private static String trace(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      text.append(cause == e ? "" : "Caused by: ").append(cause).append('\n');
      for (StackTraceElement frame : cause.getStackTrace()) {
        text.append("\tat ").append(frame).append('\n');
      }
    }
    return text.toString();
  }
}
