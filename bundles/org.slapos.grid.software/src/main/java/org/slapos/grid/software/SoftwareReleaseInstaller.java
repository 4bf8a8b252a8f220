package org.slapos.grid.software;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slapos.buildout.api.BuildoutException;
import org.slapos.buildout.api.BuildoutRequest;
import org.slapos.buildout.api.BuildoutResult;
import org.slapos.buildout.api.BuildoutRunner;
import org.slapos.cache.api.BinaryCache;
import org.slapos.cache.api.BinaryCacheFactory;
import org.slapos.cache.api.CacheEntry;
import org.slapos.cache.api.CacheException;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.NodeSettings;
import org.slapos.grid.api.SoftwareInstaller;
import org.slapos.grid.api.SoftwareOutcome;
import org.slapos.grid.api.SoftwareOutcome.Action;
import org.slapos.grid.api.SoftwareRun;
import org.slapos.grid.api.SoftwareRunRequest;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.SoftwareRelease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs and destroys the Software Releases the master lists for this node (node-behavior §4).
 * Per release: {@code available} and not yet {@code .completed} (or {@code force}) → report
 * building, install (binary cache first, else buildout), report available, write {@code .completed};
 * {@code destroyed} → delete the directory, report destroyed. A failure is reported to the master
 * and the next release goes on.
 */
@Component(service = SoftwareInstaller.class)
public final class SoftwareReleaseInstaller implements SoftwareInstaller {
  private static final Logger LOG = LoggerFactory.getLogger(SoftwareReleaseInstaller.class);
  /** {@code [networkcache]} keys handed to buildout, in the original's order (§4.3). */
  private static final List<String> BUILDOUT_NETWORKCACHE_KEYS = List.of("signature-private-key-file",
      "upload-cache-url", "upload-dir-url", "shacache-ca-file", "shacache-cert-file", "shacache-key-file",
      "shadir-ca-file", "shadir-cert-file", "shadir-key-file");

  /** Where the node learns its releases: the master in production, a list in unit tests. */
  interface Master {
    List<SoftwareRelease> softwareReleases(NodeSettings settings) throws SlapException;
  }

  private final Master master;
  private final BuildoutRunner buildout;
  private final BinaryCacheFactory caches;
  private final NodeAccounts accounts;
  private final GitRevision git;
  private final Clock clock;
  /** The software root owner's home, looked up once per software root ({@code getent} is a process). */
  private final Map<Path, Optional<Path>> ownerHome = new java.util.concurrent.ConcurrentHashMap<>();

  @Activate
  public SoftwareReleaseInstaller(@Reference SlapConnector connector, @Reference BuildoutRunner buildout,
      @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
      BinaryCacheFactory caches) {
    this(settings -> connector.initializeConnection(settings.masterUrl(), settings.connection())
        .registerComputer(settings.computerId()).getSoftwareReleaseList(),
        buildout, caches, new NodeAccounts(), new GitRevision(), Clock.systemDefaultZone());
  }

  SoftwareReleaseInstaller(Master master, BuildoutRunner buildout, BinaryCacheFactory caches,
      NodeAccounts accounts, GitRevision git, Clock clock) {
    this.master = master;
    this.buildout = buildout;
    this.caches = caches;
    this.accounts = accounts;
    this.git = git;
    this.clock = clock;
  }

  @Override
  public SoftwareRun run(SoftwareRunRequest request, Consumer<String> progress) throws GridException {
    long start = System.nanoTime();
    NodeSettings settings = request.settings();
    Path softwareRoot = settings.softwareRoot().toAbsolutePath();
    if (!Files.isDirectory(softwareRoot)) {
      throw new GridException("Software root does not exist or is not a directory: " + softwareRoot);
    }
    List<SoftwareRelease> releases;
    try {
      releases = master.softwareReleases(settings);
      LOG.debug("Got {} software releases from the master in {} ms", releases.size(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (SlapException e) {
      throw new GridException("Cannot get the Software Releases of " + settings.computerId() + " from "
          + settings.masterUrl() + ": " + e.getMessage(), e);
    }
    progress.accept("Processing software releases...");
    boolean root = accounts.nodeIsRoot();
    List<SoftwareOutcome> outcomes = new ArrayList<>();
    Set<String> keep = new HashSet<>();
    Duration buildoutTime = Duration.ZERO;
    try (CacheHandle cache = openCache(settings.networkcache())) {
      for (SoftwareRelease release : releases) {
        String url = release.getURI();
        ReleaseDirectory directory = new ReleaseDirectory(softwareRoot, url);
        if (SoftwareRelease.STATE_AVAILABLE.equals(release.getState())) {
          keep.add(directory.name());
        }
        if (!request.only().isEmpty() && !request.only().contains(url) && !request.only().contains(directory.name())) {
          outcomes.add(new SoftwareOutcome(url, directory.name(), Action.SKIPPED, "not in --only-sr", null));
          continue;
        }
        SoftwareOutcome outcome = process(release, directory, request, cache, root, progress);
        buildoutTime = buildoutTime.plus(outcome.buildoutTime());
        outcomes.add(outcome);
      }
    }
    List<String> collected = request.garbageCollect() ? collectGarbage(softwareRoot, keep, progress) : List.of();
    progress.accept("Finished software releases.");
    return new SoftwareRun(outcomes, collected, Duration.ofNanos(System.nanoTime() - start), buildoutTime);
  }

  private SoftwareOutcome process(SoftwareRelease release, ReleaseDirectory directory, SoftwareRunRequest request,
      CacheHandle cache, boolean root, Consumer<String> progress) throws GridException {
    String url = release.getURI();
    String state = release.getState();
    try {
      ReleaseDirectory.checkUrl(url);
      if (SoftwareRelease.STATE_AVAILABLE.equals(state)) {
        if (!request.force() && directory.completed()) {
          LOG.debug("{} is already installed in {}", url, directory.path);
          return new SoftwareOutcome(url, directory.name(), Action.UP_TO_DATE, "", null);
        }
        progress.accept("Installing software release " + url + "...");
        try {
          release.building();
        } catch (NotFoundError e) {
          LOG.debug("The master does not know buildingSoftwareRelease: {}", e.getMessage());
        }
        Installed installed = install(directory, request, cache, root, progress);
        release.available();
        directory.markCompleted(ZonedDateTime.now(clock));
        progress.accept("Software release " + url + " is available"
            + (installed.action == Action.INSTALLED_FROM_CACHE ? " (from the binary cache)." : "."));
        return new SoftwareOutcome(url, directory.name(), installed.action, installed.note, installed.buildoutTime);
      }
      if (SoftwareRelease.STATE_DESTROYED.equals(state)) {
        if (directory.exists()) {
          progress.accept("Destroying " + url + "...");
          FileTrees.deleteTree(directory.path);
        }
        release.destroyed();
        progress.accept("Destroyed " + url + ".");
        return new SoftwareOutcome(url, directory.name(), Action.DESTROYED, "", null);
      }
      return new SoftwareOutcome(url, directory.name(), Action.IGNORED, "state " + state, null);
    } catch (InstallFailure e) {
      return failed(release, directory, e.getMessage(), e.buildoutTime(), progress);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      release.error("Interrupted while processing " + url);
      throw new GridException("Interrupted while processing software release " + url, e);
    } catch (SlapException | IOException | RuntimeException e) {
      LOG.error("Processing software release {} failed", url, e);
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      return failed(release, directory, trace.toString(), Duration.ZERO, progress);
    }
  }

  private SoftwareOutcome failed(SoftwareRelease release, ReleaseDirectory directory, String message,
      Duration buildoutTime, Consumer<String> progress) {
    String firstLine = message.strip().lines().findFirst().orElse("failed");
    progress.accept("Software release " + release.getURI() + " failed: " + firstLine);
    release.error(message);
    return new SoftwareOutcome(release.getURI(), directory.name(), Action.FAILED, message, buildoutTime);
  }

  private record Installed(Action action, String note, Duration buildoutTime) {
  }

  private Installed install(ReleaseDirectory directory, SoftwareRunRequest request, CacheHandle cache, boolean root,
      Consumer<String> progress) throws InstallFailure, IOException, InterruptedException {
    NodeSettings settings = request.settings();
    long free = FileTrees.usableSpace(directory.path);
    if (free < settings.softwareMinFreeSpace()) {
      throw new InstallFailure("Not enough space for " + directory.path + ": available " + FileTrees.human(free)
          + ", required " + FileTrees.human(settings.softwareMinFreeSpace()) + " (software_min_free_space)");
    }
    if (!directory.exists() && cache.binary != null) {
      try {
        Optional<CacheEntry> entry = cache.binary.install(directory.url, cache.binary.localSystem(), directory.path);
        if (entry.isPresent()) {
          if (root) {
            // Unpacked by the node (root): give the tree to the software root's owner like a build.
            giveTree(settings.softwareRoot().toAbsolutePath(), directory.path);
          }
          return new Installed(Action.INSTALLED_FROM_CACHE, "sha512 " + entry.get().sha512(), Duration.ZERO);
        }
      } catch (CacheException e) {
        progress.accept("The binary cache could not be used for " + directory.url + " (" + e.getMessage()
            + "); building it.");
      }
    }
    for (String prefix : lines(value(settings.networkcache(), "download-from-binary-cache-force-url-list"))) {
      if (directory.url.startsWith(prefix)) {
        throw new InstallFailure(directory.exists()
            ? "Binary cache forced for " + directory.url + ", but directory " + directory.path
                + " already exists (remove it to download the binary again)"
            : "Binary cache forced for " + directory.url + ", but failed to download, will retry again");
      }
    }
    Duration spent = build(directory, request, root);
    upload(directory, settings, cache, progress);
    return new Installed(Action.BUILT, "", spent);
  }

  private Duration build(ReleaseDirectory directory, SoftwareRunRequest request, boolean root)
      throws InstallFailure, IOException, InterruptedException {
    NodeSettings settings = request.settings();
    Path softwareRoot = settings.softwareRoot().toAbsolutePath();
    boolean created = !directory.exists();
    if (created) {
      Files.createDirectory(directory.path);
      Files.setPosixFilePermissions(directory.path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    copyNetrc(softwareRoot, directory.path);
    Path extendsCache = directory.path.resolve(ReleaseDirectory.EXTENDS_CACHE);
    Files.createDirectories(extendsCache);
    directory.writeProfileIfMissing(settings.sharedPartList(), settings.buildTimePartList());
    Optional<String> revision = git.describe(directory.url);
    if (revision.isPresent()) {
      String marker = "git revision: " + revision.get();
      directory.appendProfileLineOnce("# " + ZonedDateTime.now(clock.withZone(java.time.ZoneOffset.UTC))
          .toLocalDateTime() + " " + marker, marker);
    }
    if (root) {
      // Buildout runs as the owner of the release directory: never root.
      for (Path path : List.of(directory.path, extendsCache, directory.path.resolve(ReleaseDirectory.PROFILE))) {
        accounts.copyOwnership(softwareRoot, path);
      }
      Path netrc = directory.path.resolve(".netrc");
      if (Files.exists(netrc)) {
        accounts.copyOwnership(softwareRoot, netrc);
      }
    }
    BuildoutRequest run = BuildoutRequest.of(directory.path, directory.path.resolve(ReleaseDirectory.PROFILE))
        .withArguments(buildoutArguments(directory, settings, request.force()))
        .withDebug(request.buildoutDebug())
        .withExecutable(settings.buildout())
        .withTimeout(settings.buildoutTimeout());
    BuildoutResult result;
    try {
      result = buildout.run(run, line -> { });
    } catch (BuildoutException e) {
      if (e.code() == BuildoutException.Code.INTERRUPTED) {
        throw new InterruptedException(e.getMessage());
      }
      throw new InstallFailure("Failed to run buildout profile in directory '" + directory.path + "':\n"
          + e.getMessage() + "\n");
    }
    if (!result.succeeded()) {
      throw new InstallFailure("Failed to run buildout profile in directory '" + directory.path + "':\n"
          + (result.timedOut() ? "Timed out after " + result.duration().toSeconds() + " s\n" : "")
          + result.outputText() + "\n", result.duration());
    }
    return result.duration();
  }

  private void giveTree(Path softwareRoot, Path tree) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(tree)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        accounts.copyOwnership(softwareRoot, path);
      }
    }
  }

  /** The original's parameter list {@code P} (§4.3), without {@code -c}: the runner adds it. */
  static List<String> buildoutArguments(ReleaseDirectory directory, NodeSettings settings, boolean force) {
    List<String> arguments = new ArrayList<>();
    arguments.add("buildout:extends-cache=" + directory.path.resolve(ReleaseDirectory.EXTENDS_CACHE));
    arguments.add("buildout:directory=" + directory.path);
    Map<String, String> networkcache = settings.networkcache();
    if (!value(networkcache, "signature-private-key-file").isEmpty() || !value(networkcache, "upload-cache-url").isEmpty()
        || !value(networkcache, "upload-dir-url").isEmpty()) {
      arguments.add("buildout:networkcache-section=networkcache");
    }
    for (String key : BUILDOUT_NETWORKCACHE_KEYS) {
      String value = value(networkcache, key);
      if (!value.isEmpty()) {
        arguments.add("networkcache:" + key + "=" + value);
      }
    }
    if (!force) {
      arguments.add("-N");
    }
    return arguments;
  }

  /** The software root owner's {@code ~/.netrc} goes with the build (private downloads); a stale copy goes away. */
  private void copyNetrc(Path softwareRoot, Path releaseDirectory) throws IOException {
    Path target = releaseDirectory.resolve(".netrc");
    Optional<Path> home = ownerHome.computeIfAbsent(softwareRoot, root -> {
      try {
        return accounts.homeOfOwner(root);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Path source = home.map(h -> h.resolve(".netrc")).orElse(null);
    if (source != null && Files.isRegularFile(source) && Files.isReadable(source)) {
      Files.deleteIfExists(target);
      Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(target, Files.readAllBytes(source));
    } else {
      Files.deleteIfExists(target);
    }
  }

  private void upload(ReleaseDirectory directory, NodeSettings settings, CacheHandle cache, Consumer<String> progress) {
    Map<String, String> networkcache = settings.networkcache();
    if (cache.binary == null || value(networkcache, "upload-binary-cache-url").isEmpty()
        || value(networkcache, "upload-binary-dir-url").isEmpty() || directory.shared()) {
      return;
    }
    try {
      CacheEntry entry = cache.binary.upload(directory.url, cache.binary.localSystem(), directory.path);
      progress.accept("Uploaded " + directory.url + " to the binary cache (sha512 " + entry.sha512() + ").");
    } catch (CacheException e) {
      if (e.code() == CacheException.Code.EXCLUDED) {
        LOG.debug("Not uploading {}: {}", directory.url, e.getMessage());
      } else {
        // The release is installed; only sharing it failed.
        progress.accept("Uploading " + directory.url + " to the binary cache failed: " + e.getMessage());
      }
    }
  }

  /**
   * {@code --garbage-collect}: removes release directories (md5 name, holding a {@code buildout.cfg})
   * that the master no longer lists as available. Unlike the original, releases left out by
   * {@code --only-sr} are kept.
   */
  private static List<String> collectGarbage(Path softwareRoot, Set<String> keep, Consumer<String> progress) {
    List<String> removed = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(softwareRoot)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (ReleaseDirectory.NAME.matcher(name).matches() && !keep.contains(name)
            && Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            && Files.exists(child.resolve(ReleaseDirectory.PROFILE))) {
          try {
            FileTrees.deleteTree(child);
            removed.add(name);
            progress.accept("Garbage collected " + child + ".");
          } catch (IOException e) {
            progress.accept("Cannot garbage collect " + child + ": " + e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      progress.accept("Cannot list " + softwareRoot + " for garbage collection: " + e.getMessage());
    }
    return removed;
  }

  /** The binary cache of this run, opened on the run's {@code [networkcache]} section when it names one. */
  private static final class CacheHandle implements AutoCloseable {
    final BinaryCacheFactory.Session binary;

    CacheHandle(BinaryCacheFactory.Session binary) {
      this.binary = binary;
    }

    @Override
    public void close() {
      if (binary != null) {
        binary.close();
      }
    }
  }

  private CacheHandle openCache(Map<String, String> networkcache) {
    boolean named = List.of("download-binary-cache-url", "download-binary-dir-url", "upload-binary-cache-url",
        "upload-binary-dir-url").stream().anyMatch(key -> !value(networkcache, key).isEmpty());
    if (!named) {
      return new CacheHandle(null);
    }
    if (caches == null) {
      LOG.warn("[networkcache] names a binary cache but no network cache bundle is running: releases are built");
      return new CacheHandle(null);
    }
    try {
      return new CacheHandle(caches.open(networkcache));
    } catch (CacheException e) {
      LOG.warn("The binary cache is not used: {}", e.getMessage());
      return new CacheHandle(null);
    }
  }

  /** A {@code [networkcache]} value, written with {@code -} or {@code _}; empty when absent. */
  static String value(Map<String, String> section, String dashedKey) {
    String value = section.get(dashedKey);
    if (value == null) {
      value = section.get(dashedKey.replace('-', '_'));
    }
    return value == null ? "" : value.strip();
  }

  private static List<String> lines(String value) {
    return value.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }
}
