package org.slapos.grid.software;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slapos.buildout.api.BuildoutRunner;
import org.slapos.buildout.impl.RealBuildout;
import org.slapos.cache.impl.NetworkCacheFactoryComponent;
import org.slapos.cache.impl.testing.CacheServerHarness;
import org.slapos.cache.impl.testing.TestKeys;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.SoftwareOutcome.Action;
import org.slapos.grid.api.SoftwareRun;
import org.slapos.grid.api.SoftwareRunRequest;

/**
 * Two nodes sharing a real shacache/shadir server on loopback: the first builds a release and
 * uploads it, the second installs it from the cache without running buildout, unless the tarball
 * was tampered with or the entry's signer is not trusted, in which case it builds normally.
 */
class BinaryCacheInstallTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static RealBuildout buildout;

  private CacheServerHarness server;
  private NetworkCacheFactoryComponent caches;
  private TestKeys uploader;
  private TestKeys stranger;
  private final List<String> progress = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void installBuildout() throws Exception {
    buildout = RealBuildout.install();
  }

  @BeforeEach
  void startServer() throws Exception {
    Path work = Files.createDirectories(buildout.work.resolve("cache-" + ProcessHandle.current().pid() + "-"
        + NAMES.incrementAndGet()));
    server = new CacheServerHarness(work.resolve("server"));
    caches = new NetworkCacheFactoryComponent();
    uploader = TestKeys.generate(Files.createDirectories(work.resolve("keys")), "uploader");
    stranger = TestKeys.generate(Files.createDirectories(work.resolve("stranger")), "stranger");
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
    caches.deactivate();
  }

  /** One node: its own software root, the shared server, a buildout run counter. */
  private final class Node {
    final Path softwareRoot;
    final Map<String, String> networkcache = new HashMap<>();
    final AtomicInteger buildouts = new AtomicInteger();

    Node(String name) throws IOException {
      softwareRoot = Files.createDirectories(buildout.work.resolve("node-" + name + "-" + NAMES.incrementAndGet()));
      buildout.ownForRuns(softwareRoot);
      networkcache.put("download-binary-cache-url", server.shacache().toString());
      networkcache.put("download-binary-dir-url", server.shadir().toString());
    }

    Node uploadingWith(TestKeys keys) {
      networkcache.put("upload-binary-cache-url", server.shacache().toString());
      networkcache.put("upload-binary-dir-url", server.shadir().toString());
      networkcache.put("signature-private-key-file", keys.privateKeyPem().toString());
      networkcache.put("signature-certificate-list", keys.certificatePem());
      return this;
    }

    Node trusting(TestKeys keys) {
      networkcache.put("signature-certificate-list", keys.certificatePem());
      return this;
    }

    SoftwareRun install(String url) throws Exception {
      BuildoutRunner real = buildout.runner(Duration.ofMinutes(5));
      BuildoutRunner counting = (request, lines) -> {
        buildouts.incrementAndGet();
        return real.run(request, lines);
      };
      NodeSettings settings = new NodeSettings("COMP-" + softwareRoot.getFileName(), "http://127.0.0.1:1/", null,
          softwareRoot, softwareRoot, buildout.launcher, List.of(), List.of(), 0, Duration.ofMinutes(5), networkcache);
      RecordedRelease release = new RecordedRelease(url, "available");
      SoftwareReleaseInstaller installer = new SoftwareReleaseInstaller(s -> List.of(release), counting, caches,
          new NodeAccounts(), new GitRevision(), Clock.systemUTC());
      SoftwareRun run = installer.run(SoftwareRunRequest.of(settings), progress::add);
      assertEquals(List.of("building", "available"), release.reports, () -> release.errors + "\n" + progress);
      return run;
    }

    String hello(String url) throws Exception {
      Path directory = softwareRoot.resolve(ReleaseDirectory.md5(url));
      return RealBuildout.run(List.of(directory.resolve("bin/hello").toString()), directory, Duration.ofSeconds(30))
          .text().strip();
    }
  }

  private static String release(String message) throws IOException {
    Path directory = Files.createDirectories(buildout.work.resolve("cached-sr-" + NAMES.incrementAndGet()));
    directory.toFile().setReadable(true, false);
    directory.toFile().setExecutable(true, false);
    Path profile = directory.resolve("software.cfg");
    Files.writeString(profile, "[buildout]\nparts = hello\nnewest = false\nfind-links = " + buildout.eggs
        + "\nindex = file://" + buildout.eggs + "\n\n[hello]\nrecipe = slapostestrecipe\nmessage = " + message + "\n");
    profile.toFile().setReadable(true, false);
    return profile.toString();
  }

  private Path onlyBlob() throws IOException {
    try (Stream<Path> blobs = Files.list(server.root.resolve("shacache"))) {
      List<Path> all = blobs.toList();
      assertEquals(1, all.size(), all::toString);
      return all.get(0);
    }
  }

  @Test
  void aSecondNodeInstallsFromTheCacheWithoutRunningBuildout() throws Exception {
    String url = release("built once");
    Node first = new Node("a").uploadingWith(uploader);
    assertEquals(List.of(Action.BUILT), first.install(url).outcomes().stream().map(o -> o.action()).toList());
    assertEquals(1, first.buildouts.get());
    assertTrue(progress.stream().anyMatch(line -> line.startsWith("Uploaded " + url)), progress::toString);

    Node second = new Node("b").trusting(uploader);
    SoftwareRun run = second.install(url);

    assertEquals(Action.INSTALLED_FROM_CACHE, run.outcomes().get(0).action(), progress::toString);
    assertEquals(0, second.buildouts.get(), "installed from the cache: buildout must not run");
    assertEquals("built once", second.hello(url));
    assertTrue(Files.exists(second.softwareRoot.resolve(ReleaseDirectory.md5(url)).resolve(".completed")));
    if (buildout.root) {
      assertEquals(RealBuildout.UNPRIVILEGED_USER,
          Files.getOwner(second.softwareRoot.resolve(ReleaseDirectory.md5(url)).resolve("bin/hello")).getName());
    }
  }

  @Test
  void aTamperedTarballIsRefusedAndTheReleaseIsBuilt() throws Exception {
    String url = release("tampered");
    new Node("a").uploadingWith(uploader).install(url);
    Path blob = onlyBlob();
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(blob, bytes);

    Node second = new Node("b").trusting(uploader);
    SoftwareRun run = second.install(url);

    assertEquals(Action.BUILT, run.outcomes().get(0).action());
    assertEquals(1, second.buildouts.get());
    assertEquals("tampered", second.hello(url));
    assertTrue(progress.stream().anyMatch(line -> line.startsWith("The binary cache could not be used for " + url)),
        progress::toString);
  }

  @Test
  void anEntrySignedByAnUntrustedKeyIsIgnoredAndTheReleaseIsBuilt() throws Exception {
    String url = release("untrusted");
    new Node("a").uploadingWith(stranger).install(url);
    onlyBlob();

    Node second = new Node("b").trusting(uploader);
    SoftwareRun run = second.install(url);

    assertEquals(Action.BUILT, run.outcomes().get(0).action());
    assertEquals(1, second.buildouts.get());
    assertEquals("untrusted", second.hello(url));
  }

  @Test
  void aReleaseInTheUploadBlacklistIsNotUploaded() throws Exception {
    String url = release("private");
    Node first = new Node("a").uploadingWith(uploader);
    first.networkcache.put("upload-to-binary-cache-url-blacklist", url.substring(0, url.lastIndexOf('/')));
    first.install(url);
    assertTrue(Files.notExists(server.root.resolve("shacache")) || isEmpty(server.root.resolve("shacache")));
  }

  @Test
  void aForcedReleaseThatIsNotCachedFailsInsteadOfBuilding() throws Exception {
    String url = release("forced");
    Node node = new Node("a").trusting(uploader);
    node.networkcache.put("download-from-binary-cache-force-url-list", "/");
    RecordedRelease release = new RecordedRelease(url, "available");
    SoftwareReleaseInstaller installer = new SoftwareReleaseInstaller(s -> List.of(release),
        buildout.runner(Duration.ofMinutes(5)), caches, new NodeAccounts(), new GitRevision(), Clock.systemUTC());
    SoftwareRun run = installer.run(SoftwareRunRequest.of(new NodeSettings("COMP-F", "http://127.0.0.1:1/", null,
        node.softwareRoot, node.softwareRoot, buildout.launcher, List.of(), List.of(), 0, null, node.networkcache)),
        progress::add);
    assertEquals(Action.FAILED, run.outcomes().get(0).action());
    assertEquals("Binary cache forced for " + url + ", but failed to download, will retry again", release.errors.get(0));
    assertTrue(Files.notExists(node.softwareRoot.resolve(ReleaseDirectory.md5(url))));
  }

  private static boolean isEmpty(Path directory) throws IOException {
    try (Stream<Path> children = Files.list(directory)) {
      return children.findAny().isEmpty();
    }
  }
}
