package org.slapos.grid.instance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slapos.buildout.api.BuildoutRunner;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.InstanceDeployer;
import org.slapos.grid.api.InstanceRun;
import org.slapos.grid.api.InstanceRunRequest;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.PartitionOutcome;
import org.slapos.grid.api.PartitionOutcome.Action;
import org.slapos.promise.api.PromiseChecker;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the partitions the master lists for this node (node-behavior §5.2, §5.3, §5.15): prepares and
 * launches the node supervisord, fetches the partition list, sets free and missing partitions aside,
 * hands every other partition to a {@link PartitionProcessor} (one failure never stops the others) and
 * falls back to offline mode (start every supervised process, exit code 3) when the master cannot be
 * reached.
 */
@Component(service = InstanceDeployer.class)
public final class PartitionDeployer implements InstanceDeployer {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionDeployer.class);
  /** The legacy state file the original still reads (and deletes) in offline mode. */
  private static final String LEGACY_REQUESTED_STATE = ".requested_state";

  /** Where the node learns its partitions: the master in production, a list in unit tests. */
  interface Master {
    List<ComputerPartition> partitions(NodeSettings settings) throws SlapException;
  }

  private final Master master;
  private final BuildoutRunner buildout;
  private final NodeSupervisor supervisor;
  private final PromiseChecker promises;
  private final Accounts accounts;
  private final Clock clock;

  @Activate
  public PartitionDeployer(@Reference SlapConnector connector, @Reference BuildoutRunner buildout,
      @Reference NodeSupervisor supervisor, @Reference PromiseChecker promises) {
    this(settings -> connector.initializeConnection(settings.masterUrl(), settings.connection())
        .registerComputer(settings.computerId()).getComputerPartitionList(),
        buildout, supervisor, promises, new Accounts(), Clock.systemDefaultZone());
  }

  PartitionDeployer(Master master, BuildoutRunner buildout, NodeSupervisor supervisor, PromiseChecker promises,
      Accounts accounts, Clock clock) {
    this.master = master;
    this.buildout = buildout;
    this.supervisor = supervisor;
    this.promises = promises;
    this.accounts = accounts;
    this.clock = clock;
  }

  @Override
  public InstanceRun run(InstanceRunRequest request, Consumer<String> progress) throws GridException {
    long start = System.nanoTime();
    NodeSettings settings = request.settings();
    Path softwareRoot = settings.softwareRoot().toAbsolutePath();
    Path instanceRoot = settings.instanceRoot().toAbsolutePath();
    if (!Files.isDirectory(softwareRoot)) {
      throw new GridException("Software root does not exist or is not a directory: " + softwareRoot);
    }
    if (!Files.isDirectory(instanceRoot)) {
      throw new GridException("Instance root does not exist or is not a directory: " + instanceRoot);
    }
    Path repository = request.instance().certificateRepositoryPath();
    if (repository != null && !Files.isDirectory(repository)) {
      throw new GridException("certificate_repository_path does not exist or is not a directory: " + repository);
    }
    SupervisorSettings supervision = new SupervisorSettings(instanceRoot, request.instance().watchdogCommand());
    try {
      supervisor.writeNodeConfiguration(supervision);
      if (!request.instance().forbidSupervisordAutomaticLaunch()) {
        supervisor.ensureRunning(supervision);
      }
    } catch (SupervisorException e) {
      throw new GridException("The node supervisord cannot be prepared: " + e.getMessage(), e);
    }

    List<PartitionOutcome> outcomes = new ArrayList<>();
    List<ComputerPartition> partitions;
    try {
      partitions = master.partitions(settings);
    } catch (SlapException e) {
      if (MasterUnreachable.isOfflineTrigger(e)) {
        return offline(supervision, outcomes, "Cannot get the partitions of " + settings.computerId() + " from "
            + settings.masterUrl() + ": " + e.getMessage(), start, progress);
      }
      throw new GridException("Cannot get the partitions of " + settings.computerId() + " from "
          + settings.masterUrl() + ": " + e.getMessage(), e);
    }
    checkOnlyPartitions(partitions, request.only());

    progress.accept("Processing computer partitions...");
    boolean root = accounts.nodeIsRoot();
    PartitionProcessor processor = new PartitionProcessor(request, supervision, buildout, supervisor, promises,
        accounts, clock, root, progress);
    try {
      for (ComputerPartition partition : partitions) {
        PartitionOutcome outcome = selectAndProcess(partition, processor, instanceRoot, progress);
        outcomes.add(outcome);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GridException("Interrupted while processing computer partitions", e);
    } catch (MasterUnreachable e) {
      return offline(supervision, outcomes, "Lost the connection to " + settings.masterUrl() + ": " + e.getMessage(),
          start, progress);
    }
    InstanceRun run = new InstanceRun(outcomes, false, "", false, Duration.ofNanos(System.nanoTime() - start));
    run.summary().lines().forEach(line -> {
      LOG.info(line);
      progress.accept(line);
    });
    return run;
  }

  /** {@code --only-cp} must name partitions the master lists: the original's {@code Unknown partition(s): A, B}. */
  private static void checkOnlyPartitions(List<ComputerPartition> partitions, List<String> only) throws GridException {
    if (only.isEmpty()) {
      return;
    }
    Set<String> missing = new TreeSet<>(only);
    for (ComputerPartition partition : partitions) {
      try {
        missing.remove(partition.getId());
      } catch (ResourceNotReady e) {
        LOG.debug("A partition without id cannot match --only-cp: {}", e.getMessage());
      }
    }
    if (!missing.isEmpty()) {
      throw new GridException("Unknown partition" + (missing.size() == 1 ? "" : "s") + ": " + String.join(", ", missing));
    }
  }

  /**
   * Node-behavior §5.3: a partition whose directory is missing is reported and set aside, a free one
   * (destroyed, no release) is cleaned and set aside, any other one is processed.
   */
  private PartitionOutcome selectAndProcess(ComputerPartition partition, PartitionProcessor processor,
      Path instanceRoot, Consumer<String> progress) throws MasterUnreachable, InterruptedException {
    String id = "(no id)";
    try {
      id = partition.getId();
      PartitionDirectory directory = PartitionDirectory.of(instanceRoot, id);
      if (!directory.exists()) {
        String message = "Partition directory " + directory.path + " does not exist.";
        progress.accept(message);
        LOG.warn(message);
        partition.error(message, null);
        return new PartitionOutcome(id, softwareType(partition), Action.MISSING, message);
      }
      String state = partition.getState();
      String url = softwareReleaseUrl(partition);
      if (ComputerPartition.STATE_DESTROYED.equals(state) && (url == null || url.isEmpty())) {
        List<String> left = directory.cleanFreePartition();
        if (!left.isEmpty()) {
          String warning = "Free partition " + id + " contains file(s) in " + directory.path + ".";
          LOG.warn(warning);
          progress.accept(warning);
        }
        return new PartitionOutcome(id, softwareType(partition), Action.FREE, "");
      }
      return processor.process(partition, directory, state, url);
    } catch (SlapException e) {
      if (MasterUnreachable.isOfflineTrigger(e)) {
        throw new MasterUnreachable(e);
      }
      return failed(partition, id, e.getMessage(), progress);
    } catch (DeployFailure e) {
      return failed(partition, id, e.getMessage(), progress);
    } catch (IOException | RuntimeException e) {
      LOG.error("Selecting partition {} failed", id, e);
      return failed(partition, id, e.toString(), progress);
    }
  }

  private static PartitionOutcome failed(ComputerPartition partition, String id, String message,
      Consumer<String> progress) {
    progress.accept("Partition " + id + " failed: " + message);
    partition.error(message, null);
    return new PartitionOutcome(id, softwareType(partition), Action.FAILED, message);
  }

  /** The partition's release URL, or {@code null} when the master gave none (a free partition). */
  static String softwareReleaseUrl(ComputerPartition partition) throws SlapException {
    try {
      return partition.getSoftwareRelease().getURI();
    } catch (NotFoundError e) {
      return null;
    }
  }

  /**
   * The software type the summary prints, {@code (not ready)} when unknown. Read from the parameters
   * already received: asking the client would fetch the partition again for every free partition.
   */
  static String softwareType(ComputerPartition partition) {
    if (partition.getAttributes().get("_parameter_dict") instanceof Map<?, ?> parameters
        && parameters.get("slap_software_type") != null && !parameters.get("slap_software_type").toString().isEmpty()) {
      return parameters.get("slap_software_type").toString();
    }
    return "(not ready)";
  }

  /**
   * Node-behavior §5.15: the master is out of reach, so keep what runs running. Partitions that the
   * legacy {@code .requested_state} file says are stopped are stopped, then every supervised process
   * is started.
   */
  private InstanceRun offline(SupervisorSettings supervision, List<PartitionOutcome> outcomes, String reason,
      long start, Consumer<String> progress) {
    LOG.warn("{}; processing computer partitions offline", reason);
    progress.accept(reason);
    progress.accept("Processing computer partitions offline...");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(supervision.instanceRoot())) {
      for (Path entry : entries) {
        Path stateFile = entry.resolve(LEGACY_REQUESTED_STATE);
        if (!Files.isRegularFile(stateFile)) {
          continue;
        }
        String requested = Files.readString(stateFile, StandardCharsets.UTF_8);
        Files.delete(stateFile);
        if (ComputerPartition.STATE_STOPPED.equals(requested)) {
          String id = entry.getFileName().toString();
          try {
            supervisor.stopPartition(supervision, PartitionDirectory.of(supervision.instanceRoot(), id).id);
          } catch (SupervisorException | DeployFailure e) {
            progress.accept("Cannot stop partition " + id + ": " + e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      progress.accept("Cannot read the legacy requested states: " + e.getMessage());
    }
    boolean startFailed = false;
    try {
      supervisor.startAll(supervision);
    } catch (SupervisorException e) {
      startFailed = true;
      LOG.error("Starting the supervised processes in offline mode failed: {}", e.getMessage());
      progress.accept("Starting the supervised processes failed: " + e.getMessage());
    }
    return new InstanceRun(outcomes, true, reason, startFailed, Duration.ofNanos(System.nanoTime() - start));
  }
}
