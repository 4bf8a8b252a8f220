package org.slapos.promise.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slapos.promise.api.PartitionContext;
import org.slapos.promise.api.Promise;
import org.slapos.promise.api.PromiseException;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseOutcome;
import org.slapos.promise.api.PromiseOutcome.Kind;
import org.slapos.promise.api.PromiseReport;
import org.slapos.promise.api.PromiseRequest;
import org.slapos.promise.api.PromiseResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's promise run (node-behavior §5.9), with one deliberate change: the promises run in
 * parallel on a bounded pool instead of one after the other. Per promise: the cache decides whether it
 * runs ({@code cache/<title>}: the mode it does, {@code next_run_after} unless forced); a run has the
 * request's timeout; its result goes to {@code result/<title>.status.json}. Plugins run with the
 * release's Python through {@code plugin_runner.py}; legacy scripts and bundle promises run here.
 */
final class PromiseEngine {
  private static final Logger LOG = LoggerFactory.getLogger(PromiseEngine.class);
  static final int MESSAGE_LIMIT = 5000;
  static final String TEST_RESULT = "Test Result";
  static final String ANOMALY_RESULT = "Anomaly Result";
  static final String NO_OUTPUT = "Error: No output returned by the promise";
  /** The original's default periodicity, in minutes (legacy promises always have it). */
  static final double DEFAULT_PERIODICITY_MINUTES = 2;
  /** Legacy promises: anomaly when the last 3 runs all failed (the original's WrapPromise). */
  private static final int LEGACY_ANOMALY_RUNS = 3;
  private static final String RUNNER_MARKER = "SLAPOS-PROMISE-RUNNER-RESULT ";
  private static final String RUNNER_RESOURCE = "plugin_runner.py";
  /** The cache's {@code module_file} of a bundle promise: marks the state a removed bundle leaves behind. */
  static final String BUNDLE_MODULE = "osgi:";

  /** What the engine needs from its configuration and from the node's process. */
  record Settings(boolean nodeIsRoot, String path, String nodeHome) { }

  /** A promise service of a bundle, under its {@value Promise#NAME}. */
  record BundlePromise(String title, Promise promise) { }

  /** One promise found for the run. */
  private record Candidate(String title, String name, Kind kind, Path path, Promise promise) {
    String pathText() {
      return path == null ? "" : path.toString();
    }
  }

  /**
   * What one run of a promise gave.
   *
   * @param result the result, or {@code null} when the promise does not do this mode (nothing is written)
   * @param type the result type written ({@value #TEST_RESULT} or {@value #ANOMALY_RESULT})
   * @param lost timed out or ended without a result: softened in anomaly mode as the original does
   */
  private record Attempt(PromiseResult result, String type, boolean lost, boolean tested, boolean anomalyDetected,
      double periodicityMinutes) {
    static Attempt of(PromiseResult result, String type, double periodicityMinutes) {
      return new Attempt(result, type, false, true, true, periodicityMinutes);
    }

    static Attempt lost(String message, String type, double periodicityMinutes) {
      return new Attempt(PromiseResult.failure(message), type, true, true, true, periodicityMinutes);
    }
  }

  private final ObjectMapper json;
  private final Settings settings;
  private final ExecutorService pool;
  private final ExecutorService javaPromiseThreads;
  private final Clock clock;
  private final String runnerScript;

  /**
   * @param pool runs the promises of a partition in parallel (its size bounds the parallelism)
   * @param javaPromiseThreads runs bundle promises' code, so that one that ignores its interruption
   *     only holds its own thread after its timeout
   */
  /** Partition owners, their passwd entries remembered for a minute (one getent per user, not per pass). */
  private final Account.Lookup accounts = new Account.Lookup(60);

  PromiseEngine(ObjectMapper json, Settings settings, ExecutorService pool, ExecutorService javaPromiseThreads,
      Clock clock) {
    this.json = json;
    this.settings = settings;
    this.pool = pool;
    this.javaPromiseThreads = javaPromiseThreads;
    this.clock = clock;
    this.runnerScript = loadRunner();
  }

  private static String loadRunner() {
    try (InputStream input = PromiseEngine.class.getResourceAsStream(RUNNER_RESOURCE)) {
      if (input == null) {
        throw new IllegalStateException(RUNNER_RESOURCE + " is missing from the bundle");
      }
      return new String(input.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RUNNER_RESOURCE, e);
    }
  }

  PromiseReport check(PromiseRequest request, List<BundlePromise> bundlePromises) throws PromiseException {
    PartitionContext partition = request.partition();
    Path directory = partition.directory().toAbsolutePath();
    if (!Files.isDirectory(directory)) {
      throw new PromiseException("Partition directory does not exist: " + directory);
    }
    Account account;
    PromiseFiles files;
    try {
      account = settings.nodeIsRoot() ? accounts.ownerOf(directory) : null;
      files = new PromiseFiles(json, directory, Ownership.of(account));
      files.prepare();
    } catch (IOException e) {
      throw new PromiseException("Cannot prepare the promise folders of " + directory + ": " + e.getMessage(), e);
    }
    List<Candidate> candidates;
    try {
      candidates = candidates(directory, bundlePromises);
    } catch (IOException e) {
      throw new PromiseException("Cannot list the promises of " + directory + ": " + e.getMessage(), e);
    }
    try {
      forgetRemovedBundlePromises(files, bundlePromises);
    } catch (IOException e) {
      throw new PromiseException("Cannot clean the promise state of " + directory + ": " + e.getMessage(), e);
    }
    Instant now = clock.instant();
    List<Future<Optional<PromiseOutcome>>> pending = new ArrayList<>();
    int skipped = 0;
    for (Candidate candidate : candidates) {
      Optional<PromiseFiles.CacheEntry> cache = files.readCache(candidate.title())
          .filter(entry -> candidate.kind() == Kind.BUNDLE || Files.exists(Path.of(entry.moduleFile())));
      if (cache.isPresent()) {
        PromiseFiles.CacheEntry entry = cache.get();
        if (request.mode() == PromiseMode.TEST ? !entry.tested() : !entry.anomalyDetected()) {
          skipped++;
          continue;
        }
        if (!request.force() && now.getEpochSecond() < entry.nextRunAfter()) {
          skipped++;
          Optional<PromiseFiles.StoredResult> previous = files.readResult(candidate.title());
          if (previous.isPresent()) {
            PromiseFiles.StoredResult stored = previous.get();
            if (stored.failed()) {
              LOG.error("{}", stored.message());
            }
            pending.add(CompletableFuture.completedFuture(Optional.of(new PromiseOutcome(candidate.title(),
                candidate.kind(), candidate.path(), false, new PromiseResult(stored.failed(), stored.message()),
                Duration.ofMillis(Math.round(stored.executionTime() * 1000))))));
          }
          continue;
        }
      }
      try {
        pending.add(pool.submit(() -> runAndSave(candidate, request, files, account)));
      } catch (RejectedExecutionException e) {
        cancelAll(pending);
        throw new PromiseException("The promise checker is stopping", e);
      }
    }
    List<PromiseOutcome> outcomes = new ArrayList<>();
    try {
      for (Future<Optional<PromiseOutcome>> future : pending) {
        future.get().ifPresent(outcomes::add);
      }
    } catch (InterruptedException e) {
      cancelAll(pending);
      Thread.currentThread().interrupt();
      throw new PromiseException("Interrupted while the promises of " + partition.partitionId() + " ran", e);
    } catch (ExecutionException | CancellationException e) {
      cancelAll(pending);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new PromiseException("The promise run of " + partition.partitionId() + " failed: " + cause, cause);
    }
    if (skipped > 0) {
      LOG.info("{} promises didn't need to be checked.", skipped);
    }
    return new PromiseReport(outcomes);
  }

  /**
   * The result and cache of a bundle promise whose service is gone (bundle stopped or uninstalled)
   * are deleted, so that nothing reports on a promise that no longer exists.
   */
  private static void forgetRemovedBundlePromises(PromiseFiles files, List<BundlePromise> bundlePromises)
      throws IOException {
    List<String> present = bundlePromises.stream().map(BundlePromise::title).toList();
    for (Path cache : sortedEntries(files.cacheFolder())) {
      String title = cache.getFileName().toString();
      Optional<PromiseFiles.CacheEntry> entry = files.readCache(title);
      if (entry.isPresent() && entry.get().moduleFile().startsWith(BUNDLE_MODULE) && !present.contains(title)) {
        LOG.info("Promise {} is no longer provided by any bundle: its result is removed", title);
        Files.deleteIfExists(files.resultFolder().resolve(title + ".status.json"));
        Files.deleteIfExists(cache);
      }
    }
  }

  private static void cancelAll(List<Future<Optional<PromiseOutcome>>> pending) {
    pending.forEach(future -> future.cancel(true));
  }

  /** Plugins, then legacy scripts, each in name order, then bundle promises by title. */
  private static List<Candidate> candidates(Path directory, List<BundlePromise> bundlePromises) throws IOException {
    List<Candidate> candidates = new ArrayList<>();
    Path plugins = directory.resolve("etc").resolve("plugin");
    for (Path file : sortedEntries(plugins)) {
      String name = file.getFileName().toString();
      if ((name.endsWith(".pyc") || name.endsWith(".pyo"))
          && !Files.exists(file.resolveSibling(name.substring(0, name.length() - 1)))) {
        Files.deleteIfExists(file);
        continue;
      }
      if (!name.endsWith(".py") || name.startsWith("__init__")) {
        continue;
      }
      candidates.add(new Candidate(name.substring(0, name.length() - 3), name, Kind.PLUGIN, file, null));
    }
    for (Path file : sortedEntries(directory.resolve("etc").resolve("promise"))) {
      if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
        LOG.warn("Bad promise file at {}.", file);
        continue;
      }
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String title = dot > 0 ? name.substring(0, dot) : name;
      candidates.add(new Candidate(title, name, Kind.LEGACY, file, null));
    }
    for (BundlePromise promise : bundlePromises) {
      candidates.add(new Candidate(promise.title(), promise.title(), Kind.BUNDLE, null, promise.promise()));
    }
    return candidates;
  }

  private static List<Path> sortedEntries(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      stream.forEach(entries::add);
    }
    entries.sort(null);
    return entries;
  }

  /** Runs one promise on a pool thread and saves its result and cache entry; never throws for a promise's fault. */
  private Optional<PromiseOutcome> runAndSave(Candidate candidate, PromiseRequest request, PromiseFiles files,
      Account account) throws IOException, InterruptedException {
    Instant started = clock.instant();
    long start = System.nanoTime();
    LOG.info("Checking promise {}...", candidate.name());
    Attempt attempt;
    try {
      attempt = switch (candidate.kind()) {
        case PLUGIN -> runPlugin(candidate, request, files, account);
        case LEGACY -> runLegacy(candidate, request, files, account);
        case BUNDLE -> runBundle(candidate, request, files);
      };
    } catch (IOException | RuntimeException e) {
      LOG.error("Promise {} could not be run", candidate.name(), e);
      LOG.warn("Promise {} skipped.", candidate.name());
      attempt = new Attempt(PromiseResult.failure(e.getMessage() != null ? e.getMessage() : e.toString()), TEST_RESULT, false, true, true,
          DEFAULT_PERIODICITY_MINUTES);
    }
    Duration executionTime = Duration.ofNanos(System.nanoTime() - start);
    boolean doesThisMode = request.mode() == PromiseMode.TEST ? attempt.tested() : attempt.anomalyDetected();
    double timestamp = started.toEpochMilli() / 1000.0;
    files.writeCache(candidate.title(), new PromiseFiles.CacheEntry(attempt.tested(), attempt.anomalyDetected(),
        attempt.periodicityMinutes(), doesThisMode ? timestamp + attempt.periodicityMinutes() * 60 : timestamp,
        timestamp, candidate.kind() == Kind.BUNDLE ? BUNDLE_MODULE + candidate.title() : candidate.pathText(),
        moduleMtime(candidate)));
    if (attempt.result() == null) {
      return Optional.empty();
    }
    PromiseResult result = attempt.result();
    if (attempt.lost() && request.mode() == PromiseMode.ANOMALY) {
      // A timeout fails an anomaly check only when it happens twice in a row (the original's rule).
      boolean previousFailed = files.readResult(candidate.title())
          .map(previous -> previous.failed() || previous.message().toLowerCase(Locale.ROOT).contains("error:"))
          .orElse(false);
      result = new PromiseResult(previousFailed, result.message());
    }
    result = new PromiseResult(result.failed(), cut(result.message()));
    files.writeResult(new PromiseFiles.StoredResult(candidate.title(), candidate.name(), candidate.pathText(),
        round(executionTime), attempt.type(), result.failed(), clock.instant(), result.message()));
    if (result.failed()) {
      LOG.error("{}", result.message());
    }
    return Optional.of(new PromiseOutcome(candidate.title(), candidate.kind(), candidate.path(), true, result,
        executionTime));
  }

  private static double moduleMtime(Candidate candidate) {
    if (candidate.path() == null) {
      return 0;
    }
    try {
      return Files.getLastModifiedTime(candidate.path()).toMillis() / 1000.0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static double round(Duration duration) {
    return BigDecimal.valueOf(duration.toNanos(), 9).setScale(3, java.math.RoundingMode.HALF_UP).doubleValue();
  }

  /** Messages longer than 5000 characters keep their end, prefixed with "...". */
  static String cut(String message) {
    return message.length() <= MESSAGE_LIMIT ? message : "..." + message.substring(message.length() - MESSAGE_LIMIT);
  }

  /** The original's "Error: Promise timed out after N seconds", N as the timeout was given. */
  static String timedOut(Duration timeout) {
    BigDecimal seconds = BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros();
    String text = seconds.scale() <= 0 ? seconds.toBigInteger().toString() : seconds.toPlainString();
    return "Error: Promise timed out after " + text + " seconds";
  }

  private static String resultType(PromiseMode mode) {
    return mode == PromiseMode.ANOMALY ? ANOMALY_RESULT : TEST_RESULT;
  }

  private Map<String, String> environment(Account account, Path partition) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", settings.path());
    if (account != null) {
      environment.put("HOME", account.home() != null ? account.home() : partition.toString());
      if (account.name() != null) {
        environment.put("USER", account.name());
      }
    } else {
      environment.put("HOME", settings.nodeHome() != null ? settings.nodeHome() : partition.toString());
    }
    return environment;
  }

  /** Scripts never run as root: a partition owned by root is a formatting mistake, not a licence. */
  private static void refuseRoot(Account account, Path partition) throws IOException {
    if (account != null && (account.uid() == 0 || account.gid() == 0)) {
      throw new IOException("Dropping privileges to uid=" + account.uid() + " gid=" + account.gid() + " for "
          + partition + " is too dangerous: the partition belongs to root");
    }
  }

  /** {@code etc/promise/*}: run the executable; its output is the message, its exit status the verdict. */
  private Attempt runLegacy(Candidate candidate, PromiseRequest request, PromiseFiles files, Account account)
      throws IOException, InterruptedException {
    Path partition = files.partition();
    refuseRoot(account, partition);
    ScriptProcess.Outcome outcome = ScriptProcess.run(
        ScriptProcess.asUser(account, List.of(candidate.path().toString())), partition,
        environment(account, partition), request.timeout());
    String type = resultType(request.mode());
    if (outcome.timedOut()) {
      return Attempt.lost(timedOut(request.timeout()), type, DEFAULT_PERIODICITY_MINUTES);
    }
    String message = outcome.output().strip();
    boolean failed = outcome.exitCode() != 0;
    Path log = files.logFile(candidate.title());
    PromiseLog.append(log, clock.instant(), failed ? "ERROR" : "INFO", PromiseLog.newTransactionId(clock.instant()),
        message);
    files.ownership().apply(log);
    if (request.mode() == PromiseMode.TEST) {
      return Attempt.of(new PromiseResult(failed, message), TEST_RESULT, DEFAULT_PERIODICITY_MINUTES);
    }
    // Anomaly: the last three runs all failed, reported as a test result (so legacy promises never bang).
    List<PromiseLog.Run> runs = PromiseLog.lastRuns(log, LEGACY_ANOMALY_RUNS);
    boolean anomaly = runs.size() == LEGACY_ANOMALY_RUNS && runs.stream().allMatch(PromiseLog.Run::failed);
    String latest = runs.isEmpty() ? message : runs.get(0).message();
    return Attempt.of(new PromiseResult(anomaly, latest), TEST_RESULT, DEFAULT_PERIODICITY_MINUTES);
  }

  /** {@code etc/plugin/*.py}: the release's Python runs plugin_runner.py, which answers one JSON line. */
  private Attempt runPlugin(Candidate candidate, PromiseRequest request, PromiseFiles files, Account account)
      throws IOException, InterruptedException {
    Path partition = files.partition();
    String type = resultType(request.mode());
    Path python;
    try {
      python = ReleasePython.of(partition);
    } catch (IOException e) {
      return Attempt.of(PromiseResult.failure("Cannot run plugin promise " + candidate.name() + ": " + e.getMessage()),
          type, DEFAULT_PERIODICITY_MINUTES);
    }
    refuseRoot(account, partition);
    PartitionContext context = request.partition();
    ObjectNode arguments = json.createObjectNode();
    arguments.put("log-folder", files.logFolder().toString());
    arguments.put("partition-folder", partition.toString());
    arguments.put("master-url", request.masterUrl());
    arguments.put("partition-cert", request.certificateFile() == null ? "" : request.certificateFile().toString());
    arguments.put("partition-key", request.keyFile() == null ? "" : request.keyFile().toString());
    arguments.put("partition-id", context.partitionId());
    arguments.put("computer-id", context.computerId());
    List<String> command = List.of(python.toString(), "-c", runnerScript, candidate.pathText(),
        request.mode() == PromiseMode.ANOMALY ? "anomaly" : "test", json.writeValueAsString(arguments));
    ScriptProcess.Outcome outcome = ScriptProcess.run(ScriptProcess.asUser(account, command), partition,
        environment(account, partition), request.timeout());
    if (outcome.timedOut()) {
      return Attempt.lost(timedOut(request.timeout()), type, DEFAULT_PERIODICITY_MINUTES);
    }
    JsonNode answer = runnerAnswer(outcome.output());
    if (answer == null) {
      LOG.warn("Plugin promise {} ended with exit code {} and no result; its output: {}", candidate.name(),
          outcome.exitCode(), outcome.output().strip());
      return Attempt.lost(NO_OUTPUT, type, DEFAULT_PERIODICITY_MINUTES);
    }
    String status = answer.path("status").asText();
    if (status.equals("error")) {
      LOG.error("Promise {} could not be loaded: {}", candidate.name(), answer.path("message").asText());
      LOG.warn("Promise {} skipped.", candidate.name());
      return Attempt.of(PromiseResult.failure(answer.path("message").asText()), type, DEFAULT_PERIODICITY_MINUTES);
    }
    boolean tested = answer.path("is_tested").asBoolean(true);
    boolean anomalyDetected = answer.path("is_anomaly_detected").asBoolean(true);
    double periodicity = answer.path("periodicity").asDouble(DEFAULT_PERIODICITY_MINUTES);
    if (status.equals("empty")) {
      return new Attempt(null, type, false, tested, anomalyDetected, periodicity);
    }
    return new Attempt(new PromiseResult(answer.path("failed").asBoolean(true), answer.path("message").asText("")),
        answer.path("type").asText(type), false, tested, anomalyDetected, periodicity);
  }

  private JsonNode runnerAnswer(String output) {
    int at = output.lastIndexOf(RUNNER_MARKER);
    if (at < 0) {
      return null;
    }
    int end = output.indexOf('\n', at);
    String line = output.substring(at + RUNNER_MARKER.length(), end < 0 ? output.length() : end);
    try {
      return json.readTree(line);
    } catch (IOException e) {
      LOG.warn("Unreadable answer from the plugin runner: {}", line);
      return null;
    }
  }

  /** A {@link Promise} service: its check on its own thread, interrupted at the timeout. */
  private Attempt runBundle(Candidate candidate, PromiseRequest request, PromiseFiles files)
      throws IOException, InterruptedException {
    Promise promise = candidate.promise();
    String type = resultType(request.mode());
    double periodicity = DEFAULT_PERIODICITY_MINUTES;
    PromiseResult result;
    boolean lost = false;
    try {
      periodicity = promise.periodicity().toMillis() / 60_000.0;
      Future<PromiseResult> check = javaPromiseThreads.submit(() -> promise.check(request.partition(), request.mode()));
      try {
        result = check.get(request.timeout().toNanos(), TimeUnit.NANOSECONDS);
        if (result == null) {
          result = PromiseResult.failure(NO_OUTPUT);
          lost = true;
        }
      } catch (TimeoutException e) {
        check.cancel(true);
        result = PromiseResult.failure(timedOut(request.timeout()));
        lost = true;
      } catch (InterruptedException e) {
        check.cancel(true);
        throw e;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        LOG.warn("Promise {} threw", candidate.title(), cause);
        result = PromiseResult.failure(cause.getMessage() != null ? cause.getMessage() : cause.toString());
      }
    } catch (RuntimeException e) {
      LOG.warn("Promise {} threw", candidate.title(), e);
      result = PromiseResult.failure(e.getMessage() != null ? e.getMessage() : e.toString());
    }
    if (!lost) {
      Path log = files.logFile(candidate.title());
      PromiseLog.append(log, clock.instant(), result.failed() ? "ERROR" : "INFO",
          PromiseLog.newTransactionId(clock.instant()), result.message());
      files.ownership().apply(log);
    }
    return new Attempt(result, type, lost, true, true, periodicity);
  }
}
