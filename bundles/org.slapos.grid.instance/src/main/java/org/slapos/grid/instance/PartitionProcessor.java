package org.slapos.grid.instance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slapos.buildout.api.BuildoutException;
import org.slapos.buildout.api.BuildoutRequest;
import org.slapos.buildout.api.BuildoutResult;
import org.slapos.buildout.api.BuildoutRunner;
import org.slapos.grid.api.InstanceRunRequest;
import org.slapos.grid.api.InstanceSettings;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.PartitionOutcome;
import org.slapos.grid.api.PartitionOutcome.Action;
import org.slapos.promise.api.PartitionContext;
import org.slapos.promise.api.PromiseChecker;
import org.slapos.promise.api.PromiseException;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseReport;
import org.slapos.promise.api.PromiseRequest;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.SlapException;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.PartitionPrograms;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one partition of a run (node-behavior §5.4, §5.7, §5.10, §5.13): the skip test on the
 * master's timestamp, the partition log, the certificate, then by requested state the buildout run,
 * the services, the promises and the report, and {@code .timestamp} on success. Every failure ends as
 * an outcome reported to the master, except a lost master connection (offline mode) and interruption.
 */
final class PartitionProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionProcessor.class);
  private static final String REQUIRED_MODE = "750";
  /** The variable through which the SLAP library in a release's recipes finds the partition (§5.13). */
  private static final String INSTANCE_ROOT_VARIABLE = "SLAPGRID_INSTANCE_ROOT";

  private final InstanceRunRequest request;
  private final NodeSettings settings;
  private final InstanceSettings instance;
  private final SupervisorSettings supervision;
  private final BuildoutRunner buildout;
  private final NodeSupervisor supervisor;
  private final PromiseChecker promises;
  private final Accounts accounts;
  private final Clock clock;
  private final boolean root;
  private final java.util.function.Consumer<String> progress;

  PartitionProcessor(InstanceRunRequest request, SupervisorSettings supervision, BuildoutRunner buildout,
      NodeSupervisor supervisor, PromiseChecker promises, Accounts accounts, Clock clock, boolean root,
      java.util.function.Consumer<String> progress) {
    this.request = request;
    this.settings = request.settings();
    this.instance = request.instance();
    this.supervision = supervision;
    this.buildout = buildout;
    this.supervisor = supervisor;
    this.promises = promises;
    this.accounts = accounts;
    this.clock = clock;
    this.root = root;
    this.progress = progress;
  }

  /** What is known of the partition once its master data is read. */
  private record Target(ComputerPartition partition, PartitionDirectory directory, String state, String url,
      Path softwareDirectory, String softwareType, Accounts.Owner owner) {
  }

  PartitionOutcome process(ComputerPartition partition, PartitionDirectory directory, String state, String url)
      throws MasterUnreachable, InterruptedException, IOException {
    String id = directory.id;
    String softwareType = PartitionDeployer.softwareType(partition);
    Files.deleteIfExists(directory.transactionFile());
    Map<String, Object> parameters;
    try {
      parameters = partition.getInstanceParameterDict();
    } catch (SlapException e) {
      return failure(partition, id, softwareType, e);
    }
    Object timestampValue = parameters.get("timestamp");
    String timestamp = timestampValue == null ? null : timestampValue.toString();
    Path softwareDirectory = url == null ? null : PartitionDirectory.softwareDirectory(settings.softwareRoot(), url);
    long periodicity = periodicity(softwareDirectory);
    boolean started = ComputerPartition.STATE_STARTED.equals(state);
    if (request.forceStop() && started) {
      // --force-stop processes a started partition whatever its timestamp, and must not record it.
      timestamp = null;
    }
    if (!request.only().isEmpty() && !request.only().contains(id)) {
      return new PartitionOutcome(id, softwareType, Action.SKIPPED, "not in --only-cp");
    }
    Target target = new Target(partition, directory, state, url, softwareDirectory, softwareType,
        accounts.ownerOf(directory.path));
    if (!request.force() && timestamp != null && periodicity != 0 && upToDate(directory, timestamp, periodicity)) {
      if (started && !request.forceStop()) {
        return checkAnomaly(target);
      }
      LOG.debug("Partition {} already up-to-date. skipping.", id);
      return new PartitionOutcome(id, softwareType, Action.UP_TO_DATE, "");
    }

    directory.prepareLogDirectory();
    directory.rotateInstanceLog();
    if (!Files.exists(directory.instanceLog(), LinkOption.NOFOLLOW_LINKS)) {
      Files.createFile(directory.instanceLog());
    }
    if (root) {
      // The partition's user reads its own log: everything under .slapgrid is given to it.
      giveTree(directory.path, directory.path.resolve(PartitionDirectory.SLAPGRID));
    }
    try (PartitionLog log = new PartitionLog(progress, clock)) {
      log.open(directory.instanceLog());
      PartitionOutcome outcome = deploy(target, log);
      if (outcome.action() != Action.FAILED && outcome.action() != Action.PROMISE_FAILED && timestamp != null) {
        PartitionDirectory.writeAtomically(directory.timestampFile(), timestamp, "rw-r--r--");
      }
      return outcome;
    }
  }

  /** Steps 10-13 of §5.4, with the log open. */
  private PartitionOutcome deploy(Target target, PartitionLog log)
      throws MasterUnreachable, InterruptedException {
    String id = target.directory.id;
    ComputerPartition partition = target.partition;
    boolean started = ComputerPartition.STATE_STARTED.equals(target.state);
    try {
      log.info("Processing Computer Partition " + id + ".");
      log.info("  Software URL: " + target.url);
      log.info("  Software path: " + target.softwareDirectory);
      log.info("  Instance path: " + target.directory.path);
      updateCertificate(target, log);
      log.info("  Instance status: " + target.state);
      Files.deleteIfExists(target.directory.errorLog());
      switch (target.state) {
        case ComputerPartition.STATE_STARTED -> {
          install(target, log);
          if (request.forceStop()) {
            supervisor.stopPartition(supervision, id);
          } else {
            List<String> programs = supervisor.startPartition(supervision, programs(target));
            if (programs.isEmpty()) {
              log.warning("No runners nor services found for partition " + id);
            }
            checkPromises(target, PromiseMode.TEST, true);
            partition.started();
          }
          endTransaction(target, log);
          return new PartitionOutcome(id, target.softwareType,
              request.forceStop() ? Action.FORCE_STOPPED : Action.STARTED, "");
        }
        case ComputerPartition.STATE_STOPPED -> {
          try {
            // Built even when stopped: the partition propagates the state to the instances it requested.
            install(target, log);
          } finally {
            supervisor.stopPartition(supervision, id);
          }
          reportStopped(partition, log);
          endTransaction(target, log);
          return new PartitionOutcome(id, target.softwareType, Action.STOPPED, "");
        }
        case ComputerPartition.STATE_DESTROYED -> {
          // node report destroys the partition; here its services go away and the master is told.
          supervisor.removePartition(supervision, id);
          reportStopped(partition, log);
          return new PartitionOutcome(id, target.softwareType, Action.DESTRUCTION_PREPARED, "");
        }
        default -> throw new DeployFailure("Computer Partition '" + id + "' has unsupported state: "
            + ProfileTail.checked("state", target.state));
      }
    } catch (PromiseFailure e) {
      log.error(e.getMessage());
      partition.error(e.getMessage(), null);
      return new PartitionOutcome(id, target.softwareType, Action.PROMISE_FAILED, e.getMessage());
    } catch (SlapException e) {
      if (MasterUnreachable.isOfflineTrigger(e)) {
        throw new MasterUnreachable(e);
      }
      return failed(target, log, e.getMessage(), started);
    } catch (DeployFailure | SupervisorException | PromiseException e) {
      return failed(target, log, e.getMessage(), started);
    } catch (IOException | RuntimeException e) {
      LOG.error("Processing partition {} failed", id, e);
      return failed(target, log, e.toString(), started);
    }
  }

  /**
   * Step 13 of §5.4: the error goes to {@code .slapgrid-<id>-error.log} and the master; a started
   * partition still has its promises run, only to refresh their results.
   */
  private PartitionOutcome failed(Target target, PartitionLog log, String message, boolean started)
      throws InterruptedException {
    String id = target.directory.id;
    log.error("Partition " + id + " failed: " + firstLine(message));
    try {
      PartitionDirectory.writeAtomically(target.directory.errorLog(), message, "rw-r-----");
      if (root) {
        accounts.copyOwnership(target.directory.path, target.directory.errorLog());
      }
    } catch (IOException e) {
      LOG.warn("Cannot write the error log of partition {}: {}", id, e.getMessage());
    }
    if (started && !request.forceStop()) {
      try {
        checkPromises(target, PromiseMode.TEST, true);
      } catch (PromiseFailure | PromiseException e) {
        LOG.debug("Promises of failed partition {}: {}", id, e.getMessage());
      }
    }
    target.partition.error(message, null);
    return new PartitionOutcome(id, target.softwareType, Action.FAILED, message);
  }

  private PartitionOutcome failure(ComputerPartition partition, String id, String softwareType, SlapException e)
      throws MasterUnreachable {
    if (MasterUnreachable.isOfflineTrigger(e)) {
      throw new MasterUnreachable(e);
    }
    partition.error(e.getMessage(), null);
    return new PartitionOutcome(id, softwareType, Action.FAILED, e.getMessage());
  }

  /** The original ignores every error of the stopped report. */
  private static void reportStopped(ComputerPartition partition, PartitionLog log) {
    try {
      partition.stopped();
    } catch (SlapException e) {
      log.warning("Reporting the stopped state failed: " + e.getMessage());
    }
  }

  /**
   * §5.13: the instances the partition's recipes requested in this run, so that the master can drop
   * those it no longer asks for. A master without the call (404) is only warned about.
   */
  private static void endTransaction(Target target, PartitionLog log) throws SlapException, IOException {
    Path file = target.directory.transactionFile();
    // Not a link: the node may be root, and must not send the master a file the partition points it at.
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<String> references = Files.readString(file, StandardCharsets.UTF_8).lines()
        .filter(line -> !line.isEmpty()).toList();
    try {
      target.partition.setComputerPartitionRelatedInstanceList(references);
    } catch (NotFoundError e) {
      log.warning("NotFoundError: " + e.getMessage() + ". Cannot send requested instance list to master.");
    }
  }

  /** §5.4 step 8: the master's timestamp is the one recorded, and the period has not elapsed. */
  private boolean upToDate(PartitionDirectory directory, String timestamp, long periodicity) throws IOException {
    Path file = directory.timestampFile();
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    String recorded = Files.readString(file, StandardCharsets.UTF_8);
    if (recorded.equals(timestamp)) {
      FileTime modified = Files.getLastModifiedTime(file);
      Instant due = modified.toInstant().plusSeconds(Math.max(periodicity, 0));
      if (periodicity < 0 || !clock.instant().isAfter(due)) {
        return true;
      }
    }
    Files.delete(file);
    return false;
  }

  /** {@code maximum_periodicity}, or the integer the release puts in its {@code periodicity} file. */
  private long periodicity(Path softwareDirectory) {
    long periodicity = instance.maximumPeriodicity();
    if (softwareDirectory == null) {
      return periodicity;
    }
    Path file = softwareDirectory.resolve("periodicity");
    if (!Files.isRegularFile(file)) {
      return periodicity;
    }
    try {
      return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (NumberFormatException | IOException e) {
      LOG.warn("Removing {}: not an integer number of seconds ({})", file, e.getMessage());
      try {
        Files.deleteIfExists(file);
      } catch (IOException removal) {
        LOG.warn("Cannot remove {}: {}", file, removal.getMessage());
      }
      return periodicity;
    }
  }

  /**
   * §5.10: an up-to-date started partition only has its promises checked in anomaly mode, and the
   * master is told only about a change (error while it believes all is well, or the reverse).
   */
  private PartitionOutcome checkAnomaly(Target target) throws MasterUnreachable, InterruptedException {
    String id = target.directory.id;
    ComputerPartition partition = target.partition;
    String status = partition.getAccessStatus();
    boolean statusError = status != null && status.startsWith("#error");
    try (PartitionLog log = new PartitionLog(progress, clock)) {
      try {
        checkPromises(target, PromiseMode.ANOMALY, false);
        if (status == null || statusError) {
          updateCertificate(target, log);
          partition.started();
        }
        return new PartitionOutcome(id, target.softwareType, Action.UP_TO_DATE, "");
      } catch (PromiseFailure e) {
        log.error(e.getMessage());
        if (status == null || !statusError) {
          updateCertificate(target, log);
          partition.error(e.getMessage(), null);
        }
        // The original counts an anomaly as neither a processing nor a promise failure of the run.
        return new PartitionOutcome(id, target.softwareType, Action.UP_TO_DATE, e.getMessage());
      }
    } catch (SlapException e) {
      if (MasterUnreachable.isOfflineTrigger(e)) {
        throw new MasterUnreachable(e);
      }
      partition.error(e.getMessage(), null);
      return new PartitionOutcome(id, target.softwareType, Action.FAILED, e.getMessage());
    } catch (PromiseException | IOException | DeployFailure e) {
      partition.error(e.getMessage(), null);
      return new PartitionOutcome(id, target.softwareType, Action.FAILED, e.getMessage());
    }
  }

  private void checkPromises(Target target, PromiseMode mode, boolean force)
      throws PromiseFailure, PromiseException, InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("Interrupted before the promises of " + target.directory.id);
    }
    PartitionContext context = new PartitionContext(target.directory.id, target.directory.path, settings.computerId(),
        target.url, target.softwareType, addresses(target.partition), Map.of());
    Path repository = instance.certificateRepositoryPath();
    PromiseReport report = promises.check(new PromiseRequest(context, mode, force, instance.promiseTimeout(),
        settings.masterUrl(), repository == null ? null : certificateFile(target.directory.id),
        repository == null ? null : keyFile(target.directory.id)));
    if (report.failed()) {
      throw new PromiseFailure(report.firstFailure().orElse("Promise failed"));
    }
  }

  /** The addresses of the partition's {@code ip_list}: {@code (interface, address)} pairs. */
  private static List<String> addresses(ComputerPartition partition) {
    List<String> addresses = new ArrayList<>();
    try {
      if (partition.getInstanceParameterDict().get("ip_list") instanceof List<?> entries) {
        for (Object entry : entries) {
          if (entry instanceof List<?> pair && pair.size() >= 2 && pair.get(1) != null) {
            addresses.add(pair.get(1).toString());
          }
        }
      }
    } catch (SlapException e) {
      LOG.debug("No addresses for the promises: {}", e.getMessage());
    }
    return addresses;
  }

  private Path certificateFile(String id) {
    return instance.certificateRepositoryPath().toAbsolutePath().resolve(id + ".crt");
  }

  private Path keyFile(String id) {
    return instance.certificateRepositoryPath().toAbsolutePath().resolve(id + ".key");
  }

  /**
   * The partition's certificate and key in the certificate repository (§5.7): rewritten only when
   * the master's differ, mode 0400, owned by the partition's user.
   */
  private void updateCertificate(Target target, PartitionLog log) throws SlapException, IOException, DeployFailure {
    if (instance.certificateRepositoryPath() == null) {
      return;
    }
    String id = target.directory.id;
    Map<String, Object> certificate;
    try {
      certificate = target.partition.getCertificate();
    } catch (NotFoundError e) {
      throw new DeployFailure("Partition " + id + " is not known by SlapOS Master.", e);
    }
    for (Map.Entry<String, Path> file : Map.of("certificate", certificateFile(id), "key", keyFile(id)).entrySet()) {
      String content = Objects.toString(certificate.get(file.getKey()), "");
      Path path = file.getValue();
      boolean present = Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
      if (present && Files.readString(path, StandardCharsets.UTF_8).equals(content)) {
        continue;
      }
      log.info((present ? "Changed " + file.getKey() + " content. Updating " : "Missing " + file.getKey()
          + " file. Creating ") + path);
      PartitionDirectory.writeAtomically(path, content, "r--------");
      if (root) {
        accounts.copyOwnership(target.directory.path, path);
      }
    }
  }

  private PartitionPrograms programs(Target target) throws IOException {
    Path home = accounts.home(target.owner.user()).orElse(target.directory.path);
    return new PartitionPrograms(target.directory.id, target.directory.path, target.owner.user(),
        target.owner.group(), home);
  }

  /** §5.7: the profile with its tail, then buildout as the partition's owner. */
  private void install(Target target, PartitionLog log) throws DeployFailure, IOException, InterruptedException {
    PartitionDirectory directory = target.directory;
    log.info("Installing Computer Partition " + directory.id + "...");
    if (target.url == null || target.softwareDirectory == null) {
      throw new DeployFailure("Partition " + directory.id + " has no Software Release.");
    }
    ProfileTail.checked("Software Release URL", target.url);
    long free = Files.getFileStore(directory.path).getUsableSpace();
    if (free < instance.instanceMinFreeSpace()) {
      throw new DeployFailure("Not enough space for " + directory.path + ": available " + free
          + " bytes, required " + instance.instanceMinFreeSpace() + " bytes (instance_min_free_space)");
    }
    if (!directory.exists()) {
      throw new DeployFailure("Please create partition directory " + directory.path);
    }
    if (directory.linkSoftwareRelease(target.softwareDirectory)) {
      if (root) {
        accounts.copyOwnership(directory.path, directory.path.resolve(PartitionDirectory.SOFTWARE_RELEASE_LINK));
      }
    } else {
      LOG.debug("Not a symlink: {}, has been ignored", directory.path.resolve(PartitionDirectory.SOFTWARE_RELEASE_LINK));
    }
    String mode = directory.mode();
    if (!REQUIRED_MODE.equals(mode)) {
      throw new DeployFailure("Wrong permissions in " + directory.path + ": actual permissions are: 0" + mode
          + ", wanted are 0" + REQUIRED_MODE);
    }
    if (!Files.isDirectory(target.softwareDirectory)) {
      throw new DeployFailure("Software Release " + target.url + " is not present on system.\n"
          + "Cannot deploy instance.");
    }
    Path template = target.softwareDirectory.resolve("instance.cfg");
    if (!Files.isRegularFile(template)) {
      Path legacy = target.softwareDirectory.resolve("template.cfg");
      if (!Files.isRegularFile(legacy)) {
        throw new DeployFailure("Software Release " + target.url + " is not correctly installed.\nMissing file: "
            + template);
      }
      template = legacy;
    }
    Path repository = instance.certificateRepositoryPath();
    String tail = ProfileTail.text(new ProfileTail.Values(settings.computerId(), directory.id, settings.masterUrl(),
        target.url, repository == null ? "" : keyFile(directory.id).toString(),
        repository == null ? "" : certificateFile(directory.id).toString(), settings.sharedPartList(),
        settings.buildTimePartList(), target.state, instance.instanceStorageHome(), instance.ipv4GlobalNetwork()));
    PartitionDirectory.writeAtomically(directory.profile(), Files.readString(template, StandardCharsets.UTF_8)
        + "\n\n" + tail, "rw-r-----");
    if (root) {
      // Readable by the partition's group only: buildout runs as its user, the node keeps ownership.
      accounts.copyGroup(directory.path, directory.profile());
    }
    Duration timeout = instance.partitionTimeout() != null ? instance.partitionTimeout() : settings.buildoutTimeout();
    BuildoutRequest run = BuildoutRequest.of(directory.path, directory.profile())
        .withExecutable(settings.buildout())
        .withDebug(request.buildoutDebug())
        .withTimeout(timeout)
        .withEnvironment(Map.of(INSTANCE_ROOT_VARIABLE, settings.instanceRoot().toAbsolutePath().toString()));
    BuildoutResult result;
    try {
      result = buildout.run(run, log::buildout);
    } catch (BuildoutException e) {
      if (e.code() == BuildoutException.Code.INTERRUPTED) {
        throw new InterruptedException(e.getMessage());
      }
      throw new DeployFailure("Failed to run buildout profile in directory '" + directory.path + "':\n"
          + e.getMessage() + "\n");
    }
    if (!result.succeeded()) {
      throw new DeployFailure("Failed to run buildout profile in directory '" + directory.path + "':\n"
          + (result.timedOut() ? "Timed out after " + result.duration().toSeconds() + " s\n" : "")
          + result.outputText() + "\n");
    }
    writeRetentionDelay(target);
  }

  /** §5.14: the retention delay the master gave at the first successful deployment; later changes are ignored. */
  private void writeRetentionDelay(Target target) throws IOException {
    Path file = target.directory.path.resolve(PartitionDirectory.RETENTION_DELAY);
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    double delay = 0;
    if (target.partition.getAttributes().get("_filter_dict") instanceof Map<?, ?> filter
        && filter.get("retention_delay") != null) {
      try {
        delay = Double.parseDouble(filter.get("retention_delay").toString().strip());
      } catch (NumberFormatException e) {
        LOG.warn("Partition {}: retention_delay {} is not a number, 0 is used", target.directory.id,
            filter.get("retention_delay"));
      }
    }
    PartitionDirectory.writeAtomically(file, Double.toString(delay), "rw-r--r--");
    if (root) {
      accounts.copyOwnership(target.directory.path, file);
    }
  }

  /** Gives everything under {@code tree} not owned by the partition's user to it (the node may run as root). */
  private void giveTree(Path partition, Path tree) throws IOException {
    Accounts.Owner owner = accounts.ownerOf(partition);
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue() != owner.uid()) {
          accounts.copyOwnership(partition, path);
        }
      }
    }
  }

  private static String firstLine(String message) {
    return message.strip().lines().findFirst().orElse("failed");
  }
}
