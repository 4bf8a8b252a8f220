package org.slapos.grid.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.InstanceSettings;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.ReportRun;
import org.slapos.grid.api.ReportRunRequest;
import org.slapos.slap.api.ComputerPartition;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.ServerError;
import org.slapos.slap.api.SlapException;
import org.slapos.supervisor.api.ProcessInfo;

class PartitionReportEngineTest {
  private static final String URL = "https://lab.example/software.cfg";
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final String CONSUMPTION = """
      <?xml version="1.0" encoding="utf-8"?>
      <consumption><movement><resource>CPU</resource><title>CPU of the partition</title>
      <reference>x</reference><quantity>42.1</quantity><price>0.00</price><VAT>None</VAT>
      <category>CPU</category></movement></consumption>
      """;
  private static final String COMPUTER_JOURNAL = "<?xml version=\"1.0\"?><journal><transaction type=\"Sale Packing List\">"
      + "<movement><resource>Disk</resource><quantity>1</quantity><price>0</price><VAT>None</VAT></movement>"
      + "</transaction></journal>";

  @TempDir
  Path temp;
  Path instanceRoot;
  Path certificates;
  Path storage;
  final List<ComputerPartition> partitions = new ArrayList<>();
  final List<String> posted = new CopyOnWriteArrayList<>();
  final List<String> progress = new CopyOnWriteArrayList<>();
  final RecordingSupervisor supervisor = new RecordingSupervisor();
  final RecordingTio tio = new RecordingTio();
  volatile SlapException usageFailure;

  @BeforeEach
  void setUp() throws IOException {
    instanceRoot = Files.createDirectory(temp.resolve("instance"));
    certificates = Files.createDirectory(temp.resolve("certificates"));
    storage = Files.createDirectory(temp.resolve("storage"));
  }

  private ReportRun run() throws GridException {
    PartitionReportEngine.Master master = new PartitionReportEngine.Master() {
      @Override
      public List<ComputerPartition> partitions(NodeSettings settings) {
        return List.copyOf(partitions);
      }

      @Override
      public void reportUsage(NodeSettings settings, String xml) throws SlapException {
        if (usageFailure != null) {
          throw usageFailure;
        }
        posted.add(xml);
      }
    };
    ScriptRunner asCurrentUser = new ScriptRunner() {
      @Override
      boolean nodeIsRoot() {
        // Tests run the scripts as whoever runs the build; setpriv is exercised by the process test.
        return false;
      }
    };
    PartitionReportEngine engine = new PartitionReportEngine(master, supervisor, tio, asCurrentUser,
        Clock.fixed(NOW, ZoneOffset.UTC));
    NodeSettings settings = new NodeSettings("COMP-TEST", "http://127.0.0.1:1/", null, temp.resolve("software"),
        instanceRoot, null, null, null, 0, null, null);
    InstanceSettings instance = new InstanceSettings(certificates, storage.toString(), "", 86400, null, null, 0,
        false, "");
    return engine.run(new ReportRunRequest(settings, instance), progress::add);
  }

  private Path partition(String id, String state, String url) throws IOException {
    partitions.add(new RecordedPartition(id, state, url));
    Path directory = Files.createDirectory(instanceRoot.resolve(id));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
    return directory;
  }

  private RecordedPartition recorded(String id) {
    return (RecordedPartition) partitions.stream().filter(p -> ((RecordedPartition) p).id.equals(id)).findFirst()
        .orElseThrow();
  }

  private static Path script(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static List<String> entries(Path directory) throws IOException {
    try (Stream<Path> list = Files.list(directory)) {
      return list.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void destroysAPartitionRequestedDestroyed() throws Exception {
    Path directory = partition("slappart0", ComputerPartition.STATE_DESTROYED, URL);
    Path witness = temp.resolve("destroy-ran");
    Path outside = Files.writeString(temp.resolve("outside.txt"), "not the partition's");
    script(directory.resolve("sbin/destroy"), "pwd > " + witness);
    Files.createDirectories(directory.resolve("srv/deep/er"));
    Files.writeString(directory.resolve("srv/deep/er/data"), "data");
    Files.setPosixFilePermissions(directory.resolve("srv/deep"), PosixFilePermissions.fromString("---------"));
    Files.createSymbolicLink(directory.resolve("link-to-outside"), outside);
    Files.createSymbolicLink(directory.resolve("software_release"), temp);
    Files.writeString(directory.resolve(".timestamp"), "1");
    Files.writeString(certificates.resolve("slappart0.crt"), "CERT");
    Files.writeString(certificates.resolve("slappart0.key"), "KEY");
    Files.writeString(certificates.resolve("slappart1.crt"), "other partition");
    Path data = Files.createDirectories(storage.resolve("disk1/slappart0"));
    Files.writeString(data.resolve("blob"), "stored");
    Files.createDirectory(directory.resolve("DATA"));
    Files.createSymbolicLink(directory.resolve("DATA/disk1"), data);

    ReportRun run = run();

    assertEquals(List.of("slappart0"), run.destroyed());
    assertEquals(0, run.exitCode());
    assertEquals(directory.toRealPath() + "\n", Files.readString(witness), "sbin/destroy runs in the partition");
    assertTrue(Files.isDirectory(directory), "the partition directory stays");
    assertEquals(List.of(), entries(directory));
    assertEquals("not the partition's", Files.readString(outside), "links are removed, never followed");
    assertEquals(List.of("slappart1.crt"), entries(certificates));
    assertTrue(Files.isDirectory(data));
    assertEquals(List.of(), entries(data), "instance_storage_home/N/<id> is emptied");
    assertEquals(List.of("stopped", "destroyed"), recorded("slappart0").reports);
    assertTrue(supervisor.calls.containsAll(List.of("stop slappart0", "remove slappart0")), supervisor.calls.toString());
  }

  @Test
  void retentionLockKeepsThePartitionUntilItsDate() throws Exception {
    Path directory = partition("slappart0", ComputerPartition.STATE_DESTROYED, URL);
    Files.writeString(directory.resolve(PartitionDestroyer.RETENTION_DELAY), "1.5");
    Files.writeString(directory.resolve("kept"), "x");

    ReportRun first = run();

    assertEquals(List.of("slappart0"), first.retained());
    assertEquals(List.of(), first.destroyed());
    assertEquals(0, first.exitCode(), "retention is not a failure");
    assertEquals(Long.toString(NOW.getEpochSecond() + 129600),
        Files.readString(directory.resolve(PartitionDestroyer.RETENTION_DATE)));
    assertTrue(Files.exists(directory.resolve("kept")));
    assertFalse(recorded("slappart0").reports.contains("destroyed"));

    Files.writeString(directory.resolve(PartitionDestroyer.RETENTION_DATE), Long.toString(NOW.getEpochSecond() - 1));
    ReportRun second = run();

    assertEquals(List.of("slappart0"), second.destroyed());
    assertEquals(List.of(), entries(directory));
  }

  @Test
  void aFailingDestroyScriptIsReportedAndLeavesThePartitionAlone() throws Exception {
    Path directory = partition("slappart0", ComputerPartition.STATE_DESTROYED, URL);
    script(directory.resolve("sbin/destroy"), "echo cannot >&2; exit 3");
    Files.writeString(certificates.resolve("slappart0.crt"), "CERT");

    ReportRun run = run();

    assertEquals(1, run.exitCode());
    assertEquals(List.of(), run.destroyed());
    RecordedPartition partition = recorded("slappart0");
    assertEquals(List.of("Failed to destroy Computer Partition in '" + directory + "'."), partition.errors);
    assertFalse(partition.reports.contains("destroyed"));
    assertTrue(Files.exists(directory.resolve("sbin/destroy")));
    assertTrue(Files.exists(certificates.resolve("slappart0.crt")));
  }

  @Test
  void destructionWaitsForTheServicesOfTheWaitList() throws Exception {
    Path directory = partition("slappart0", ComputerPartition.STATE_DESTROYED, URL);
    Files.writeString(directory.resolve(PartitionReportEngine.WAIT_SERVICE_LIST), "slappart0-prerm:cleanup\n");
    supervisor.processes.add(new ProcessInfo("slappart0-prerm", "cleanup", "RUNNING", 42, 0, "pid 42"));

    ReportRun busy = run();

    assertEquals(List.of("slappart0"), busy.waiting());
    assertTrue(Files.exists(directory.resolve(PartitionReportEngine.WAIT_SERVICE_LIST)));
    assertTrue(progress.contains("There are running processes into the partition slappart0, wait until they finish..."));

    supervisor.processes.set(0, new ProcessInfo("slappart0-prerm", "cleanup", "EXITED", 0, 0, "exited"));
    ReportRun done = run();

    assertEquals(List.of("slappart0"), done.destroyed());
  }

  @Test
  void prermProgramsRunBeforeDestructionWhichWaitsForThem() throws Exception {
    Path directory = partition("slappart0", ComputerPartition.STATE_DESTROYED, URL);
    script(directory.resolve("etc/prerm/cleanup"), "exit 0");
    supervisor.processes.add(new ProcessInfo("slappart0-prerm", "cleanup", "RUNNING", 42, 0, "pid 42"));

    ReportRun busy = run();

    assertTrue(supervisor.calls.contains("manager slappart0-prerm slappart0-prerm:cleanup"), supervisor.calls.toString());
    assertEquals("slappart0-prerm:cleanup\n", Files.readString(directory.resolve(PartitionReportEngine.WAIT_SERVICE_LIST)));
    assertEquals(List.of("slappart0"), busy.waiting());
    assertTrue(Files.exists(directory.resolve("etc/prerm/cleanup")));

    supervisor.processes.set(0, new ProcessInfo("slappart0-prerm", "cleanup", "EXITED", 0, 0, "exited"));
    ReportRun done = run();

    assertEquals(List.of("slappart0"), done.destroyed());
    assertEquals(List.of(), entries(directory));
  }

  @Test
  void prermProgramsWaitForTheRetentionLock() throws Exception {
    Path directory = partition("slappart0", ComputerPartition.STATE_DESTROYED, URL);
    script(directory.resolve("etc/prerm/cleanup"), "exit 0");
    Files.writeString(directory.resolve(PartitionDestroyer.RETENTION_DELAY), "1.0");

    ReportRun run = run();

    assertEquals(List.of("slappart0"), run.retained());
    assertTrue(supervisor.calls.stream().noneMatch(call -> call.startsWith("manager ")), supervisor.calls.toString());
    assertFalse(Files.exists(directory.resolve(PartitionReportEngine.WAIT_SERVICE_LIST)));
  }

  @Test
  void reportScriptsRunWithAFreshPathAndTheirFailureIsTold() throws Exception {
    Path directory = partition("slappart0", ComputerPartition.STATE_STARTED, URL);
    String document = CONSUMPTION.replace("\n", "");
    script(directory.resolve("etc/report/a-good"), "case \"$1\" in */var/xml_report/slapreport.*) ;; *) exit 9;; esac\n"
        + "test -e \"$1\" && exit 8\nmkdir -p \"$(dirname \"$1\")\" && printf '%s' '" + document + "' > \"$1\"");
    script(directory.resolve("etc/report/b-bad"), "exit 1");

    ReportRun run = run();

    assertEquals(1, run.exitCode());
    assertEquals(List.of("Script 'b-bad' failed."), recorded("slappart0").errors);
    assertEquals(1, tio.journals.size());
    assertEquals("slappart0", tio.journals.get(0).usages().get(0).partitionId());
    assertEquals(List.of("<journal computer='COMP-TEST'><partition id='slappart0' movements='1'/></journal>"), posted);
    assertEquals(List.of(), entries(directory.resolve("var/xml_report")), "sent reports are deleted");
  }

  @Test
  void validUsageIsSentAndInvalidUsageStaysUnsent() throws Exception {
    Path first = partition("slappart0", ComputerPartition.STATE_STARTED, URL);
    partition("slappart1", ComputerPartition.STATE_STOPPED, URL);
    Path reports = Files.createDirectories(first.resolve("var/xml_report"));
    Files.writeString(reports.resolve("good.xml"), CONSUMPTION);
    Files.writeString(reports.resolve("bad.xml"), "<consumption><movement>");
    Path nodeSide = Files.createDirectories(instanceRoot.resolve("var/xml_report/slappart1"));
    Files.writeString(nodeSide.resolve("one.xml"), CONSUMPTION);
    Path secret = Files.writeString(temp.resolve("secret"), CONSUMPTION);
    Files.createSymbolicLink(reports.resolve("link.xml"), secret);

    ReportRun run = run();

    assertEquals(0, run.exitCode());
    assertEquals(List.of(reports.resolve("bad.xml")), run.invalidUsageFiles());
    assertEquals(List.of("<journal computer='COMP-TEST'><partition id='slappart0' movements='1'/>"
        + "<partition id='slappart1' movements='1'/></journal>"), posted);
    assertEquals(List.of("bad.xml", "link.xml"), entries(reports), "links are not read, invalid files stay");
    assertEquals(List.of(), entries(nodeSide));
    assertEquals(List.of("slappart0", "slappart1"),
        tio.journals.get(0).partitions().stream().map(p -> p.partitionId()).toList());
    assertEquals(NOW.atOffset(ZoneOffset.UTC).toLocalDateTime(), tio.journals.get(0).stopDate());
  }

  @Test
  void computerUsageFilesAreSentAsTheyAre() throws Exception {
    partition("slappart0", ComputerPartition.STATE_STARTED, URL);
    Path computer = Files.createDirectories(instanceRoot.resolve("var/xml_report/COMP-TEST"));
    Files.writeString(computer.resolve("2026-11-30.xml"), COMPUTER_JOURNAL);
    Files.writeString(computer.resolve("broken.xml"), CONSUMPTION);

    ReportRun run = run();

    assertEquals(List.of(COMPUTER_JOURNAL), posted);
    assertEquals(1, run.usageDocumentsSent());
    assertEquals(List.of("broken.xml"), entries(computer));
    assertEquals(List.of(computer.resolve("broken.xml")), run.invalidUsageFiles());
  }

  @Test
  void aJournalThatCannotBeSentKeepsTheLastPartitionFromDestruction() throws Exception {
    Path first = partition("slappart0", ComputerPartition.STATE_STARTED, URL);
    Path last = partition("slappart1", ComputerPartition.STATE_DESTROYED, URL);
    Path reports = Files.createDirectories(first.resolve("var/xml_report"));
    Files.writeString(reports.resolve("good.xml"), CONSUMPTION);
    Files.writeString(last.resolve("kept"), "x");
    usageFailure = new ConnectionError("connection refused");

    ReportRun run = run();

    assertEquals(1, run.exitCode());
    assertEquals(List.of(), run.destroyed());
    assertTrue(Files.exists(last.resolve("kept")));
    assertTrue(recorded("slappart1").errors.get(0).startsWith("Cannot report usage for COMP-TEST: "),
        recorded("slappart1").errors.toString());
    assertEquals(List.of("good.xml"), entries(reports), "an unsent report is kept for the next run");
  }

  @Test
  void freeAndMissingPartitionsAreSetAside() throws Exception {
    Path free = partition("slappart0", ComputerPartition.STATE_DESTROYED, null);
    Files.writeString(free.resolve("left"), "x");
    partitions.add(new RecordedPartition("slappart9", ComputerPartition.STATE_DESTROYED, URL));
    partitions.add(new RecordedPartition("..", ComputerPartition.STATE_DESTROYED, URL));

    ReportRun run = run();

    assertEquals(0, run.exitCode());
    assertEquals(List.of(), run.destroyed());
    assertTrue(Files.exists(free.resolve("left")), "a free partition is not touched");
    assertEquals(List.of("Partition directory " + instanceRoot.resolve("slappart9") + " does not exist."),
        recorded("slappart9").errors);
    assertTrue(Files.isDirectory(instanceRoot), "a partition id cannot name the instance root's parent");
    assertTrue(progress.stream().anyMatch(line -> line.startsWith("Partition .. is ignored: Refusing partition id ..")),
        progress.toString());
  }

  @Test
  void aServerErrorOnDestroyedIsIgnored() throws Exception {
    partition("slappart0", ComputerPartition.STATE_DESTROYED, URL);
    recorded("slappart0").destroyedFailure = new ServerError(500, "boom", "");

    ReportRun run = run();

    assertEquals(List.of("slappart0"), run.destroyed());
    assertEquals(0, run.exitCode());
  }

  @Test
  void noInstanceRootIsAnError() throws Exception {
    Files.delete(instanceRoot);
    GridException error = assertThrows(GridException.class, this::run);
    assertTrue(error.getMessage().startsWith("Instance root does not exist"), error.getMessage());
  }
}
