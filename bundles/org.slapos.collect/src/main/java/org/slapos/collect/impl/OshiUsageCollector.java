package org.slapos.collect.impl;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slapos.collect.api.CollectException;
import org.slapos.collect.api.CollectRequest;
import org.slapos.collect.api.CollectSummary;
import org.slapos.collect.api.PartitionUser;
import org.slapos.collect.api.UsageCollector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSFileStore;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * One collect pass measured with OSHI: the partition users' processes, the node's CPU, memory, network
 * and disks, stored in the collector database, summarised into the daily journals.
 * <p>CPU percentages (per process and for the node) are measured between the pass's first look and
 * its save, at least {@link #MINIMUM_WINDOW} apart, where the original sleeps 5 s for the node's figure.
 */
@Component(service = UsageCollector.class)
public final class OshiUsageCollector implements UsageCollector {
  private static final Logger LOG = LoggerFactory.getLogger(OshiUsageCollector.class);
  static final Duration MINIMUM_WINDOW = Duration.ofMillis(250);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  /** Partitions using 1 MiB (in KiB, as du counts) or less are not worth a row, as in the original. */
  private static final double SMALLEST_STORED_KIB = 1024.0;

  /** Partitions whose {@code du} runs at the same time: du waits on the disk more than on the CPU. */
  static final int DISK_MEASURES_AT_ONCE = 4;

  private final SystemInfo system;
  private final Clock clock;
  private final FolderSize folderSize;
  private final ExecutorService diskMeasures;

  @Activate
  public OshiUsageCollector() {
    this(new SystemInfo(), Clock.systemUTC(), new FolderSize(Duration.ofHours(1)));
  }

  OshiUsageCollector(SystemInfo system, Clock clock, FolderSize folderSize) {
    this.system = system;
    this.clock = clock;
    this.folderSize = folderSize;
    AtomicInteger threads = new AtomicInteger();
    this.diskMeasures = Executors.newFixedThreadPool(DISK_MEASURES_AT_ONCE, task -> {
      Thread thread = new Thread(task, "slapos-collect-du-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  @Deactivate
  void deactivate() {
    diskMeasures.shutdownNow();
  }

  @Override
  public CollectSummary collect(CollectRequest request) throws CollectException {
    long started = System.nanoTime();
    LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    String date = now.format(DATE);
    String time = now.format(TIME);
    HardwareAbstractionLayer hardware = system.getHardware();
    OperatingSystem os = system.getOperatingSystem();
    CentralProcessor processor = hardware.getProcessor();
    long[] firstTicks = processor.getSystemCpuLoadTicks();

    Map<String, PartitionUser> users = new LinkedHashMap<>();
    request.users().forEach(user -> users.put(user.name(), user));
    List<OSProcess> firstLook = os.getProcesses(process -> users.containsKey(process.getUser()), null, 0);
    LOG.debug("Found {} partition processes in {} ms", firstLook.size(), millisSince(started));

    Path varDirectory = request.instanceRoot().resolve("var");
    Path logDirectory = varDirectory.resolve("data-log");
    Path consumptionDirectory = varDirectory.resolve("consumption-report");
    Path xmlDirectory = varDirectory.resolve("xml_report").resolve(request.computerId());
    try {
      directory(logDirectory, true);
      directory(consumptionDirectory, false);
      directory(xmlDirectory, false);
    } catch (AccessDeniedException e) {
      throw new CollectException(CollectException.Code.ACCESS_DENIED,
          "You HAVE TO execute this script with root permission.", e);
    } catch (IOException e) {
      throw new CollectException(CollectException.Code.IO, "Cannot create " + e.getMessage(), e);
    }

    awaitWindow(started);
    GlobalMemory memory = hardware.getMemory();
    long totalMemory = memory.getTotal();
    Map<String, List<ProcessFigures>> perUser = new HashMap<>();
    for (OSProcess first : firstLook) {
      OSProcess last = os.getProcess(first.getProcessID());
      if (last == null || last.getStartTime() != first.getStartTime()) {
        continue;
      }
      perUser.computeIfAbsent(first.getUser(), user -> new ArrayList<>()).add(figures(first, last, totalMemory));
    }
    NodeFigures node = node(hardware, processor, firstTicks, memory, os);
    LOG.debug("Measured processes and node in {} ms", millisSince(started));

    List<Path> journals = new ArrayList<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (CollectorDatabase database = CollectorDatabase.open(logDirectory)) {
      database.insertNode(node, date, time);
      for (PartitionUser user : users.values()) {
        List<ProcessFigures> processes = perUser.getOrDefault(user.name(), List.of());
        database.insertProcesses(user.name(), processes, date, time);
        counts.put(user.name(), processes.size());
      }
      database.commit();
      LOG.debug("Stored the figures in {} ms", millisSince(started));
      measureDisks(database, request, users.values(), now, date, time);
      LOG.debug("Measured disk usage in {} ms", millisSince(started));
      archivePastDays(database, logDirectory, date);
      LocalDate today = now.toLocalDate();
      List<String> userNames = List.copyOf(users.keySet());
      for (int daysAgo = 1; daysAgo <= 2; daysAgo++) {
        String day = today.minusDays(daysAgo).format(DATE);
        Optional<Path> journal = journal(database, request.computerId(), userNames, day, consumptionDirectory,
            xmlDirectory);
        journal.ifPresent(journals::add);
      }
      int cacheDays = request.cacheDays();
      int deleted = database.dropReportedOutside(cacheDays == 0 ? null : today.minusDays(cacheDays - 1L).format(DATE),
          cacheDays == 0 ? null : date);
      LOG.debug("Dropped {} reported rows older than {} days", deleted, cacheDays);
    } catch (SQLException e) {
      throw new CollectException(CollectException.Code.DATABASE, "Collector database "
          + logDirectory.resolve(CollectorDatabase.FILE_NAME) + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CollectException(CollectException.Code.IO, "Cannot write " + e.getMessage(), e);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    LOG.info("Collected {} processes of {} partitions in {} ms", perUser.values().stream().mapToInt(List::size).sum(),
        users.size(), elapsed.toMillis());
    return new CollectSummary(date, time, counts, logDirectory.resolve(CollectorDatabase.FILE_NAME), journals, elapsed);
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /**
   * CPU shares need two looks some time apart; the pass's own work usually fills the window, and when
   * it does not this waits for the rest of it (the measurement interval, not a race).
   */
  private static void awaitWindow(long startedNanos) throws CollectException {
    long remaining = MINIMUM_WINDOW.toNanos() - (System.nanoTime() - startedNanos);
    if (remaining <= 0) {
      return;
    }
    try {
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(remaining);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollectException(CollectException.Code.IO, "Collect interrupted while measuring CPU usage", e);
    }
  }

  private static ProcessFigures figures(OSProcess first, OSProcess last, long totalMemory) {
    double startSeconds = last.getStartTime() / 1000.0;
    return new ProcessFigures(last.getProcessID(), last.getProcessID() + "-" + PythonNumbers.repr(startSeconds),
        100.0 * last.getProcessCpuLoadBetweenTicks(first), (last.getKernelTime() + last.getUserTime()) / 1000.0,
        last.getThreadCount(), totalMemory == 0 ? 0 : 100.0 * last.getResidentMemory() / totalMemory,
        last.getResidentMemory(), last.getBytesRead() + last.getBytesWritten(), 0);
  }

  private static NodeFigures node(HardwareAbstractionLayer hardware, CentralProcessor processor, long[] firstTicks,
      GlobalMemory memory, OperatingSystem os) {
    long[] lastTicks = processor.getSystemCpuLoadTicks();
    long total = 0;
    for (int i = 0; i < lastTicks.length; i++) {
      total += lastTicks[i] - firstTicks[i];
    }
    int idle = TickType.IDLE.getIndex();
    // 100 - idle%, as the original: time waiting for I/O counts as busy.
    double cpuPercent = total <= 0 ? 0 : 100.0 - 100.0 * (lastTicks[idle] - firstTicks[idle]) / total;
    double load = processor.getSystemLoadAverage(1)[0];
    long inBytes = 0;
    long inErrors = 0;
    long inDrops = 0;
    long outBytes = 0;
    long outErrors = 0;
    for (NetworkIF network : hardware.getNetworkIFs(true)) {
      inBytes += network.getBytesRecv();
      inErrors += network.getInErrors();
      inDrops += network.getInDrops();
      outBytes += network.getBytesSent();
      outErrors += network.getOutErrors();
    }
    List<NodeFigures.Disk> disks = new ArrayList<>();
    Set<String> devices = new HashSet<>();
    for (OSFileStore store : os.getFileSystem().getFileStores(true)) {
      String device = store.getVolume();
      // Block devices only, each at its first mount point (psutil.disk_partitions(all=False)).
      if (device == null || !device.startsWith("/dev/") || !devices.add(device)) {
        continue;
      }
      long size = store.getTotalSpace();
      disks.add(new NodeFigures.Disk(device, store.getMount(), size, size - store.getFreeSpace(),
          store.getUsableSpace()));
    }
    long available = memory.getAvailable();
    // OSHI has no outgoing drop counter: stored as 0.
    return new NodeFigures(processor.getLogicalProcessorCount(), memory.getTotal(), Math.max(load, 0), cpuPercent,
        memory.getTotal() - available, available, inBytes, inErrors, inDrops, outBytes, outErrors, 0, disks);
  }

  /**
   * {@code du} of every partition due for a measure (none within {@code disk_snapshot_time_cycle}),
   * {@link #DISK_MEASURES_AT_ONCE} at a time; the rows are written by this thread, the only writer.
   */
  private void measureDisks(CollectorDatabase database, CollectRequest request, Iterable<PartitionUser> users,
      LocalDateTime now, String date, String time) throws SQLException {
    if (!request.disk().enabled()) {
      return;
    }
    long cycle = request.disk().cycle().toSeconds();
    Map<PartitionUser, Future<Optional<Double>>> measures = new LinkedHashMap<>();
    for (PartitionUser user : users) {
      if (!Files.isDirectory(user.path())) {
        continue;
      }
      if (cycle > 0) {
        Optional<String> last = database.lastFolderMeasure(user.name());
        if (last.isPresent()) {
          long spent = Duration.between(LocalDateTime.parse(last.get(), DATE_TIME), now).toSeconds();
          if (spent < cycle) {
            LOG.debug("Disk usage of {} measured {} s ago: next in {} s", user.name(), spent, cycle - spent);
            continue;
          }
        }
      }
      Path pidFile = request.disk().pidFolder().resolve(user.name() + "_disk_size.pid");
      measures.put(user, diskMeasures.submit(() -> folderSize.measure(user.path(), pidFile)));
    }
    for (Map.Entry<PartitionUser, Future<Optional<Double>>> measure : measures.entrySet()) {
      Optional<Double> kib;
      try {
        kib = measure.getValue().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        measures.values().forEach(future -> future.cancel(true));
        return;
      } catch (ExecutionException e) {
        LOG.warn("Disk usage of {} not measured", measure.getKey().name(), e.getCause());
        continue;
      }
      if (kib.isPresent() && kib.get() > SMALLEST_STORED_KIB) {
        database.insertFolder(measure.getKey().name(), kib.get(), date, time);
      }
    }
    database.commit();
  }

  private void archivePastDays(CollectorDatabase database, Path logDirectory, String today)
      throws SQLException, IOException {
    for (String day : database.unreportedDaysBefore(today)) {
      List<DayArchive.TableDump> dumps = new ArrayList<>();
      for (String table : CollectorDatabase.TABLES) {
        dumps.add(new DayArchive.TableDump(table, database.dayRows(table, day)));
      }
      Path archive = DayArchive.write(logDirectory, day, dumps, clock.instant().getEpochSecond());
      database.markReported(day);
      database.commit();
      LOG.info("Archived the figures of {} in {}", day, archive);
    }
  }

  private static Optional<Path> journal(CollectorDatabase database, String computerId, List<String> users, String day,
      Path consumptionDirectory, Path xmlDirectory) throws SQLException, IOException {
    Path report = consumptionDirectory.resolve(day + ".xml");
    if (Files.exists(report) || Files.exists(consumptionDirectory.resolve(day + ".xml.uploaded"))) {
      return Optional.empty();
    }
    byte[] xml = ConsumptionJournal.build(database, computerId, users, day);
    Path partial = consumptionDirectory.resolve(day + ".xml.part");
    Files.write(partial, xml);
    Files.move(partial, report, StandardCopyOption.ATOMIC_MOVE);
    Path copy = xmlDirectory.resolve(day + ".xml");
    Files.copy(report, copy, StandardCopyOption.REPLACE_EXISTING);
    LOG.info("Wrote the consumption journal of {} to {}", day, copy);
    return Optional.of(copy);
  }

  private static void directory(Path directory, boolean enforceMode) throws IOException {
    Files.createDirectories(directory);
    if (enforceMode) {
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
