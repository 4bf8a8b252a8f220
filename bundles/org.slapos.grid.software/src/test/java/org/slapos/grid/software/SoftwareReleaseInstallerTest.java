package org.slapos.grid.software;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slapos.buildout.api.BuildoutRequest;
import org.slapos.buildout.api.BuildoutRunner;
import org.slapos.buildout.impl.RealBuildout;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.SoftwareOutcome;
import org.slapos.grid.api.SoftwareOutcome.Action;
import org.slapos.grid.api.SoftwareRun;
import org.slapos.grid.api.SoftwareRunRequest;
import org.slapos.slap.api.SoftwareRelease;

/**
 * The installer with the real zc.buildout on offline Software Releases written by the test (the
 * test recipe egg comes from a local find-links directory); the master is a list of recorded
 * releases, the process tests do the same against the real proxy.
 */
class SoftwareReleaseInstallerTest {
  private static final Clock FIXED = Clock.fixed(Instant.parse("2025-11-04T10:48:00Z"), ZoneOffset.UTC);
  private static RealBuildout buildout;
  private static final AtomicInteger NAMES = new AtomicInteger();

  private Path softwareRoot;
  private final List<BuildoutRequest> buildoutRuns = new CopyOnWriteArrayList<>();
  private final List<String> progress = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void installBuildout() throws Exception {
    buildout = RealBuildout.install();
  }

  @BeforeEach
  void newSoftwareRoot() throws IOException {
    softwareRoot = Files.createDirectories(buildout.work.resolve("software-root-" + ProcessHandle.current().pid()
        + "-" + NAMES.incrementAndGet()));
    buildout.ownForRuns(softwareRoot);
  }

  /** A release profile that needs no network: the recipe egg comes from the local eggs directory. */
  private static String release(String message, String extra) throws IOException {
    Path directory = Files.createDirectories(buildout.work.resolve("sr-" + NAMES.incrementAndGet()));
    directory.toFile().setReadable(true, false);
    directory.toFile().setExecutable(true, false);
    Path profile = directory.resolve("software.cfg");
    Files.writeString(profile, "[buildout]\nparts = hello\nnewest = false\nfind-links = " + buildout.eggs
        + "\nindex = file://" + buildout.eggs + "\n\n[hello]\nrecipe = slapostestrecipe\nmessage = " + message
        + "\n" + extra);
    profile.toFile().setReadable(true, false);
    return profile.toString();
  }

  private static String goodRelease(String message) throws IOException {
    return release(message, "");
  }

  private static String brokenRelease() throws IOException {
    return release("never written", "mode = 9z9\n");
  }

  private NodeSettings settings(Map<String, String> networkcache, long minFree) {
    return new NodeSettings("COMP-TEST", "http://127.0.0.1:1/", null, softwareRoot, softwareRoot.resolveSibling("srv"),
        buildout.launcher, List.of(), List.of(), minFree, Duration.ofMinutes(5), networkcache);
  }

  private NodeSettings settings() {
    return settings(Map.of(), 0);
  }

  private SoftwareReleaseInstaller installer(List<? extends SoftwareRelease> releases,
      org.slapos.cache.api.BinaryCacheFactory caches) {
    BuildoutRunner real = buildout.runner(Duration.ofMinutes(5));
    BuildoutRunner counting = (request, lines) -> {
      buildoutRuns.add(request);
      return real.run(request, lines);
    };
    return new SoftwareReleaseInstaller(settings -> List.copyOf(releases), counting, caches, new NodeAccounts(),
        new GitRevision(), FIXED);
  }

  private SoftwareRun run(List<? extends SoftwareRelease> releases, SoftwareRunRequest request) throws GridException {
    return installer(releases, null).run(request, progress::add);
  }

  private static List<Action> actions(SoftwareRun run) {
    return run.outcomes().stream().map(SoftwareOutcome::action).toList();
  }

  private Path directoryOf(String url) {
    return softwareRoot.resolve(ReleaseDirectory.md5(url));
  }

  @Test
  void aGoodReleaseEndsAvailableWithCompletedAndASecondRunDoesNotRunBuildout() throws Exception {
    String url = goodRelease("hello from the node");
    RecordedRelease release = new RecordedRelease(url, "available");

    SoftwareRun first = run(List.of(release), SoftwareRunRequest.of(settings()));

    assertEquals(List.of(Action.BUILT), actions(first), () -> first + "\n" + release.errors);
    assertEquals(List.of("building", "available"), release.reports);
    Path directory = directoryOf(url);
    assertEquals("Tue Nov  4 10:48:00 2025", Files.readString(directory.resolve(".completed")));
    assertEquals("[buildout]\nextends = " + url + "\nshared-part-list = \nbuild-time-part-list = \n\n",
        Files.readString(directory.resolve("buildout.cfg")));
    assertTrue(Files.isDirectory(directory.resolve("extends-cache")));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("buildout.cfg"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve(".completed"))));
    RealBuildout.Output hello = RealBuildout.run(List.of(directory.resolve("bin/hello").toString()), directory,
        Duration.ofSeconds(30));
    assertEquals("hello from the node", hello.text().strip());
    assertEquals(1, buildoutRuns.size());
    assertEquals(List.of("buildout:extends-cache=" + directory.resolve("extends-cache"),
        "buildout:directory=" + directory, "-N"), buildoutRuns.get(0).arguments());
    assertTrue(first.buildout().compareTo(Duration.ZERO) > 0);
    if (buildout.root) {
      assertEquals(RealBuildout.UNPRIVILEGED_USER, Files.getOwner(directory.resolve("bin/hello")).getName());
    }

    RecordedRelease again = new RecordedRelease(url, "available");
    SoftwareRun second = run(List.of(again), SoftwareRunRequest.of(settings()));
    assertEquals(List.of(Action.UP_TO_DATE), actions(second));
    assertEquals(List.of(), again.reports);
    assertEquals(1, buildoutRuns.size(), "nothing to do: buildout must not run");
    assertEquals(Duration.ZERO, second.buildout());
  }

  @Test
  void aBrokenReleaseReportsItsBuildoutLogAndTheNextOneStillInstalls() throws Exception {
    String broken = brokenRelease();
    String good = goodRelease("still installed");
    RecordedRelease brokenRelease = new RecordedRelease(broken, "available");
    RecordedRelease goodRelease = new RecordedRelease(good, "available");

    SoftwareRun run = run(List.of(brokenRelease, goodRelease), SoftwareRunRequest.of(settings()));

    assertEquals(List.of(Action.FAILED, Action.BUILT), actions(run));
    assertTrue(run.failed());
    assertEquals(List.of("building", "error"), brokenRelease.reports);
    String error = brokenRelease.errors.get(0);
    assertTrue(error.startsWith("Failed to run buildout profile in directory '" + directoryOf(broken) + "':\n"), error);
    assertTrue(error.contains("mode '9z9' is not an octal number"), error);
    assertFalse(Files.exists(directoryOf(broken).resolve(".completed")));
    assertEquals(List.of("building", "available"), goodRelease.reports);
    assertTrue(Files.exists(directoryOf(good).resolve(".completed")));

    // The broken one is retried on the next run; the good one is left alone.
    RecordedRelease brokenAgain = new RecordedRelease(broken, "available");
    RecordedRelease goodAgain = new RecordedRelease(good, "available");
    SoftwareRun again = run(List.of(brokenAgain, goodAgain), SoftwareRunRequest.of(settings()));
    assertEquals(List.of(Action.FAILED, Action.UP_TO_DATE), actions(again));
  }

  @Test
  void aDestroyedReleaseIsRemovedEvenWithReadOnlyDirectoriesAndReported() throws Exception {
    String url = goodRelease("short-lived");
    run(List.of(new RecordedRelease(url, "available")), SoftwareRunRequest.of(settings()));
    Path directory = directoryOf(url);
    Path locked = Files.createDirectories(directory.resolve("parts/locked"));
    Files.writeString(locked.resolve("file"), "x");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));

    RecordedRelease destroyed = new RecordedRelease(url, "destroyed");
    RecordedRelease neverInstalled = new RecordedRelease("http://example.invalid/never.cfg", "destroyed");
    SoftwareRun run = run(List.of(destroyed, neverInstalled), SoftwareRunRequest.of(settings()));

    assertEquals(List.of(Action.DESTROYED, Action.DESTROYED), actions(run));
    assertFalse(Files.exists(directory));
    assertEquals(List.of("destroyed"), destroyed.reports);
    assertEquals(List.of("destroyed"), neverInstalled.reports, "the master is told even when nothing was installed");
  }

  @Test
  void onlyProcessesTheListedReleasesByUrlOrMd5() throws Exception {
    String first = goodRelease("first");
    String second = goodRelease("second");
    String third = goodRelease("third");
    List<RecordedRelease> releases = List.of(new RecordedRelease(first, "available"),
        new RecordedRelease(second, "available"), new RecordedRelease(third, "available"));

    SoftwareRun run = run(releases, new SoftwareRunRequest(settings(), false,
        List.of(first, ReleaseDirectory.md5(third)), false, false));

    assertEquals(List.of(Action.BUILT, Action.SKIPPED, Action.BUILT), actions(run));
    assertFalse(Files.exists(directoryOf(second)));
    assertEquals(List.of(), releases.get(1).reports);
  }

  @Test
  void forceRunsBuildoutAgainInNewestMode() throws Exception {
    String url = goodRelease("forced");
    run(List.of(new RecordedRelease(url, "available")), SoftwareRunRequest.of(settings()));
    RecordedRelease again = new RecordedRelease(url, "available");

    SoftwareRun forced = run(List.of(again), new SoftwareRunRequest(settings(), true, List.of(), false, false));

    assertEquals(List.of(Action.BUILT), actions(forced));
    assertEquals(List.of("building", "available"), again.reports);
    assertEquals(2, buildoutRuns.size());
    assertFalse(buildoutRuns.get(1).arguments().contains("-N"), buildoutRuns.get(1).arguments()::toString);
  }

  @Test
  void garbageCollectionRemovesReleasesTheMasterNoLongerListsAndKeepsTheRest() throws Exception {
    String kept = goodRelease("kept");
    String skipped = goodRelease("skipped by --only-sr");
    run(List.of(new RecordedRelease(kept, "available"), new RecordedRelease(skipped, "available")),
        SoftwareRunRequest.of(settings()));
    Path orphan = Files.createDirectories(softwareRoot.resolve(ReleaseDirectory.md5("http://gone.invalid/x.cfg")));
    Files.writeString(orphan.resolve("buildout.cfg"), "[buildout]\n");
    Path unrelated = Files.createDirectories(softwareRoot.resolve("not-a-release"));
    Files.writeString(unrelated.resolve("buildout.cfg"), "[buildout]\n");

    SoftwareRun run = run(List.of(new RecordedRelease(kept, "available"), new RecordedRelease(skipped, "available")),
        new SoftwareRunRequest(settings(), false, List.of(kept), false, true));

    assertEquals(List.of(orphan.getFileName().toString()), run.garbageCollected());
    assertFalse(Files.exists(orphan));
    assertTrue(Files.exists(directoryOf(kept)));
    assertTrue(Files.exists(directoryOf(skipped)), "a release left out by --only-sr is still wanted");
    assertTrue(Files.exists(unrelated));
  }

  @Test
  void tooLittleFreeSpaceFailsBeforeAnythingIsWritten() throws Exception {
    String url = goodRelease("no room");
    RecordedRelease release = new RecordedRelease(url, "available");

    SoftwareRun run = run(List.of(release), SoftwareRunRequest.of(settings(Map.of(), Long.MAX_VALUE)));

    assertEquals(List.of(Action.FAILED), actions(run));
    assertTrue(release.errors.get(0).startsWith("Not enough space for " + directoryOf(url)), release.errors::toString);
    assertFalse(Files.exists(directoryOf(url)));
    assertEquals(0, buildoutRuns.size());
  }

  @Test
  void aUrlWithALineBreakCannotAddBuildoutOptions() throws Exception {
    String url = goodRelease("fine") + "\n[buildout]\nparts = evil";
    RecordedRelease release = new RecordedRelease(url, "available");

    SoftwareRun run = run(List.of(release), SoftwareRunRequest.of(settings()));

    assertEquals(List.of(Action.FAILED), actions(run));
    assertTrue(release.errors.get(0).contains("control character"), release.errors::toString);
    assertFalse(Files.exists(directoryOf(url)));
  }

  @Test
  void otherStatesAreLeftAlone() throws Exception {
    RecordedRelease release = new RecordedRelease(goodRelease("ignored"), "cancelled");
    SoftwareRun run = run(List.of(release), SoftwareRunRequest.of(settings()));
    assertEquals(List.of(Action.IGNORED), actions(run));
    assertEquals(List.of(), release.reports);
  }

  @Test
  void aMissingSoftwareRootStopsTheRunWithOneLine() throws Exception {
    NodeSettings missing = new NodeSettings("COMP-TEST", "http://127.0.0.1:1/", null, softwareRoot.resolve("absent"),
        softwareRoot, null, List.of(), List.of(), 0, null, Map.of());
    GridException e = assertThrows(GridException.class,
        () -> run(List.of(), SoftwareRunRequest.of(missing)));
    assertTrue(e.getMessage().startsWith("Software root does not exist"), e.getMessage());
  }

  @Test
  void networkcacheSettingsReachBuildoutInTheOriginalOrder() {
    ReleaseDirectory directory = new ReleaseDirectory(Path.of("/opt/slapgrid"), "http://x/software.cfg");
    Map<String, String> networkcache = Map.of("upload_dir_url", "http://dir", "signature-private-key-file", "/k.pem",
        "shadir-ca-file", "/ca.pem", "download-binary-cache-url", "http://not-for-buildout");
    NodeSettings settings = new NodeSettings("C", "http://m/", null, Path.of("/opt/slapgrid"), Path.of("/srv"), null,
        List.of(), List.of(), 0, null, networkcache);
    List<String> arguments = new ArrayList<>(SoftwareReleaseInstaller.buildoutArguments(directory, settings, true));
    assertEquals(List.of("buildout:extends-cache=" + directory.path.resolve("extends-cache"),
        "buildout:directory=" + directory.path, "buildout:networkcache-section=networkcache",
        "networkcache:signature-private-key-file=/k.pem", "networkcache:upload-dir-url=http://dir",
        "networkcache:shadir-ca-file=/ca.pem"), arguments);
  }

  @Test
  void sharedPartListsAreWrittenAsConfigParserContinuationLines() throws Exception {
    ReleaseDirectory directory = new ReleaseDirectory(softwareRoot, "http://x/software.cfg");
    Files.createDirectories(directory.path);
    assertTrue(directory.writeProfileIfMissing(List.of("/opt/shared/a", "/opt/shared/b"), List.of("/opt/build")));
    assertEquals("[buildout]\nextends = http://x/software.cfg\nshared-part-list = /opt/shared/a\n\t/opt/shared/b\n"
        + "build-time-part-list = /opt/build\n\n", Files.readString(directory.path.resolve("buildout.cfg")));
    assertFalse(directory.writeProfileIfMissing(List.of(), List.of()), "an existing profile is kept");
  }
}
