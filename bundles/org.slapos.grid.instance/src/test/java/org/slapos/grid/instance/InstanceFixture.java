package org.slapos.grid.instance;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slapos.buildout.api.BuildoutRequest;
import org.slapos.buildout.api.BuildoutRunner;
import org.slapos.buildout.impl.RealBuildout;
import org.slapos.grid.api.GridException;
import org.slapos.grid.api.InstanceRun;
import org.slapos.grid.api.InstanceRunRequest;
import org.slapos.grid.api.InstanceSettings;
import org.slapos.grid.api.NodeSettings;
import org.slapos.slap.api.ComputerPartition;

/**
 * One node for the deployer tests: a software root and an instance root in the real buildout's work
 * directory, the test recipe egg ({@code slaposinstancerecipe}) for instance profiles, partitions laid
 * out as {@code node format} leaves them (mode 0750, owned by the unprivileged user when the tests
 * run as root), a recording supervisor and promise checker, and the real buildout runner.
 */
final class InstanceFixture {
  static final String UNPRIVILEGED_GROUP = "nogroup";
  private static final AtomicInteger NAMES = new AtomicInteger();

  final RealBuildout buildout;
  final Path eggs;
  final Path softwareRoot;
  final Path instanceRoot;
  final Path certificates;
  final RecordingSupervisor supervisor = new RecordingSupervisor();
  final RecordingPromises promises = new RecordingPromises();
  final List<BuildoutRequest> buildoutRuns = new CopyOnWriteArrayList<>();
  final List<String> progress = new CopyOnWriteArrayList<>();

  InstanceFixture(RealBuildout buildout, Path eggs) throws IOException {
    this.buildout = buildout;
    this.eggs = eggs;
    Path node = Files.createDirectories(buildout.work.resolve("node-" + ProcessHandle.current().pid() + "-"
        + NAMES.incrementAndGet()));
    buildout.ownForRuns(node);
    softwareRoot = Files.createDirectories(node.resolve("software"));
    buildout.ownForRuns(softwareRoot);
    instanceRoot = Files.createDirectories(node.resolve("instance"));
    buildout.ownForRuns(instanceRoot);
    certificates = Files.createDirectories(node.resolve("certificates"));
    Files.setPosixFilePermissions(certificates, PosixFilePermissions.fromString("rwx------"));
  }

  /** Builds the instance recipe egg once, next to the real buildout's test recipe. */
  static Path buildRecipeEgg(RealBuildout buildout) throws Exception {
    Path eggs = Files.createTempDirectory(buildout.work, "instance-eggs-");
    openForAll(eggs);
    Path source = Files.createTempDirectory(buildout.work, "instance-recipe-");
    for (String name : List.of("recipe/setup.py", "recipe/slaposinstancerecipe/__init__.py")) {
      Path destination = source.resolve(name);
      Files.createDirectories(destination.getParent());
      try (InputStream in = InstanceFixture.class.getResourceAsStream(name)) {
        if (in == null) {
          fail("missing test resource " + name);
        }
        Files.copy(in, destination);
      }
    }
    RealBuildout.Output egg = RealBuildout.run(List.of("/usr/bin/python3", "setup.py", "-q", "bdist_egg", "-d",
        eggs.toString()), source.resolve("recipe"), Duration.ofMinutes(2));
    try (Stream<Path> built = Files.list(eggs)) {
      if (egg.exitCode() != 0 || built.noneMatch(p -> p.getFileName().toString().endsWith(".egg"))) {
        fail("Building the instance recipe egg failed (exit " + egg.exitCode() + "):\n" + egg.text());
      }
    }
    try (Stream<Path> built = Files.walk(eggs)) {
      built.forEach(path -> path.toFile().setReadable(true, false));
    }
    return eggs;
  }

  private static void openForAll(Path directory) {
    directory.toFile().setReadable(true, false);
    directory.toFile().setExecutable(true, false);
  }

  /**
   * An installed Software Release: its md5 directory with an {@code instance.cfg} made of {@code parts}
   * (part name → options of the instance recipe), taking the recipe egg from the local directory.
   */
  String release(Map<String, String> parts) throws IOException {
    String url = "http://sr.example.invalid/" + NAMES.incrementAndGet() + "/software.cfg";
    Path directory = Files.createDirectories(PartitionDirectory.softwareDirectory(softwareRoot, url));
    openForAll(directory);
    // As a real release: the recipe egg was installed by the release's build into its eggs directory,
    // which the instance profile names; the partition's buildout runs offline (the tail says so).
    Path releaseEggs = Files.createDirectories(directory.resolve("eggs"));
    openForAll(releaseEggs);
    try (Stream<Path> built = Files.list(eggs)) {
      for (Path egg : (Iterable<Path>) built::iterator) {
        Path copy = releaseEggs.resolve(egg.getFileName());
        Files.copy(egg, copy);
        copy.toFile().setReadable(true, false);
      }
    }
    StringBuilder profile = new StringBuilder("[buildout]\nparts = ").append(String.join(" ", parts.keySet()))
        .append("\nnewest = false\neggs-directory = ").append(releaseEggs).append("\n");
    parts.forEach((name, options) -> profile.append("\n[").append(name).append("]\nrecipe = slaposinstancerecipe\n")
        .append(options).append(options.endsWith("\n") ? "" : "\n"));
    Path instance = directory.resolve("instance.cfg");
    Files.writeString(instance, profile.toString());
    instance.toFile().setReadable(true, false);
    return url;
  }

  /** A release whose instance writes a runner and a watched service. */
  String servicesRelease() throws IOException {
    return release(Map.of("runner", "path = etc/run/hello\nmessage = hello",
        "service", "path = etc/service/watched\nmessage = watched"));
  }

  /** A partition directory as format leaves it: 0750, owned by the unprivileged user as root. */
  Path partition(String id) throws IOException {
    Path directory = Files.createDirectories(instanceRoot.resolve(id));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
    if (buildout.root) {
      UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
      view.setOwner(users.lookupPrincipalByName(RealBuildout.UNPRIVILEGED_USER));
      view.setGroup(users.lookupPrincipalByGroupName(UNPRIVILEGED_GROUP));
    }
    return directory;
  }

  NodeSettings settings() {
    return new NodeSettings("COMP-TEST", "http://127.0.0.1:1/", null, softwareRoot, instanceRoot, buildout.launcher,
        List.of("/opt/shared/a", "/opt/shared/b"), List.of(), 0, Duration.ofMinutes(5), Map.of());
  }

  InstanceSettings instanceSettings() {
    return new InstanceSettings(certificates, "/srv/storage", "10.0.0.0/16", 86400, Duration.ofSeconds(20),
        Duration.ofMinutes(5), 0, false, "");
  }

  InstanceRunRequest request() {
    return InstanceRunRequest.of(settings(), instanceSettings());
  }

  PartitionDeployer deployer(PartitionDeployer.Master master, Clock clock) {
    BuildoutRunner real = buildout.runner(Duration.ofMinutes(5));
    BuildoutRunner counting = (request, lines) -> {
      buildoutRuns.add(request);
      return real.run(request, lines);
    };
    return new PartitionDeployer(master, counting, supervisor, promises, new Accounts(), clock);
  }

  InstanceRun run(List<? extends ComputerPartition> partitions, InstanceRunRequest request, Clock clock)
      throws GridException {
    return deployer(settings -> List.copyOf(partitions), clock).run(request, progress::add);
  }

  InstanceRun run(List<? extends ComputerPartition> partitions, InstanceRunRequest request) throws GridException {
    return run(partitions, request, Clock.systemUTC());
  }

  InstanceRun run(List<? extends ComputerPartition> partitions) throws GridException {
    return run(partitions, request());
  }
}
