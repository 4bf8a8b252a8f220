package org.slapos.buildout.impl;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slapos.buildout.api.BuildoutRunner;

/**
 * The real zc.buildout for tests: installed by bin/setup-buildout, with the test recipe egg built from
 * the sources under test resources. A test fails (never skips) when either cannot be had.
 * <p>Shared through this module's test-jar: the node's software and instance tests run real buildouts
 * with it (see {@link #runner}).
 */
public final class RealBuildout {
  /** The unprivileged account runs use when the tests run as root (the runner refuses uid 0). */
  public static final String UNPRIVILEGED_USER = "nobody";
  private static final AtomicInteger RELEASES = new AtomicInteger();

  /** The buildout executable (a copy in {@link #work} when root). */
  public final Path launcher;
  /** A directory holding the test recipe egg ({@code slapostestrecipe}), for find-links. */
  public final Path eggs;
  /** A directory for the test's releases: world-traversable when the tests run as root. */
  public final Path work;
  /** Whether the tests run as root (then buildouts run as {@link #UNPRIVILEGED_USER}). */
  public final boolean root;

  private RealBuildout(Path launcher, Path eggs, Path work, boolean root) {
    this.launcher = launcher;
    this.eggs = eggs;
    this.work = work;
    this.root = root;
  }

  public static RealBuildout install() throws Exception {
    Path module = Path.of("").toAbsolutePath();
    Path repository = module;
    while (repository != null && !Files.isExecutable(repository.resolve("bin/setup-buildout"))) {
      repository = repository.getParent();
    }
    if (repository == null) {
      fail("bin/setup-buildout not found above " + module);
    }
    Output setup = run(List.of(repository.resolve("bin/setup-buildout").toString()), repository, Duration.ofMinutes(5));
    if (setup.exitCode != 0) {
      fail("bin/setup-buildout failed (exit " + setup.exitCode + "); zc.buildout is needed by these tests:\n" + setup.text);
    }
    String[] lines = setup.text.strip().split("\n");
    Path launcher = Path.of(lines[lines.length - 1].strip());
    boolean root = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    Path work;
    if (root) {
      // The runs happen as an unprivileged user, who must reach buildout and these directories; the
      // repository may sit below a directory only root can traverse (CI clones into a mktemp -d), so
      // the whole fixture, buildout included, lives in a world-traversable directory of its own.
      work = Files.createTempDirectory("slapos-buildout-tests-");
      openForAll(work);
      launcher = copyBuildout(launcher, work);
      Path created = work;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created)));
    } else {
      work = module.resolve("target/buildout-tests");
      Files.createDirectories(work);
    }
    Path eggs = Files.createTempDirectory(work, "eggs-");
    openForAll(eggs);
    Path recipeSource = Files.createTempDirectory(work, "recipe-");
    copyResources(recipeSource, "recipe/setup.py", "recipe/slapostestrecipe/__init__.py");
    Output egg = run(List.of("/usr/bin/python3", "setup.py", "-q", "bdist_egg", "-d", eggs.toString()),
        recipeSource.resolve("recipe"), Duration.ofMinutes(2));
    try (Stream<Path> built = Files.list(eggs)) {
      if (egg.exitCode != 0 || built.noneMatch(p -> p.getFileName().toString().endsWith(".egg"))) {
        fail("Building the test recipe egg failed (exit " + egg.exitCode + "):\n" + egg.text);
      }
    }
    try (Stream<Path> built = Files.walk(eggs)) {
      built.forEach(p -> p.toFile().setReadable(true, false));
    }
    return new RealBuildout(launcher, eggs, work, root);
  }

  /** A fresh release directory holding {@code profile} from the test resources, owned by the run's user. */
  public Path release(String profile) throws IOException {
    Path directory = work.resolve("release-" + ProcessHandle.current().pid() + "-" + RELEASES.incrementAndGet());
    Files.createDirectories(directory);
    openForAll(directory);
    copyResources(directory, "release/" + profile);
    Path copied = directory.resolve("release/" + profile);
    Files.move(copied, directory.resolve(profile));
    Files.delete(directory.resolve("release"));
    if (root) {
      UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(directory, users.lookupPrincipalByName(UNPRIVILEGED_USER));
      Files.setOwner(directory.resolve(profile), users.lookupPrincipalByName(UNPRIVILEGED_USER));
    }
    return directory;
  }

  /** The arguments that make buildout take its eggs from the local directory only. */
  public List<String> offlineArguments(Path directory) {
    return List.of("buildout:directory=" + directory, "buildout:find-links=" + eggs,
        "buildout:index=file://" + eggs, "-N");
  }

  /** A runner with the runner's defaults on this buildout: what the node runtime's service does. */
  public BuildoutRunner runner(Duration timeout) {
    ExecBuildoutRunner runner = new ExecBuildoutRunner(settings(timeout, Map.of()));
    return runner::run;
  }

  /**
   * Makes {@code directory} traversable by everyone and, as root, owned by {@link #UNPRIVILEGED_USER}:
   * what a software root looks like to the node (the runner refuses to run buildout as root).
   */
  public void ownForRuns(Path directory) throws IOException {
    openForAll(directory);
    if (root) {
      UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(directory, users.lookupPrincipalByName(UNPRIVILEGED_USER));
    }
  }

  ExecBuildoutRunner.Settings settings(Duration timeout, Map<String, String> nodeEnvironment) {
    return new ExecBuildoutRunner.Settings(launcher, timeout, 50, "027",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", List.of("TZ"), nodeEnvironment, root);
  }

  /**
   * Copies the zc.buildout that bin/setup-buildout installed (its site-packages and its launcher,
   * which names them by absolute path) under {@code work}; returns the copied launcher.
   */
  private static Path copyBuildout(Path launcher, Path work) throws IOException {
    Path site = launcher.getParent().getParent().resolve("zc.buildout/site-packages");
    Path copiedSite = work.resolve("zc.buildout/site-packages");
    try (Stream<Path> files = Files.walk(site)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = copiedSite.resolve(site.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
          openForAll(target);
        } else {
          Files.copy(source, target);
          target.toFile().setReadable(true, false);
        }
      }
    }
    openForAll(work.resolve("zc.buildout"));
    Path copiedLauncher = work.resolve("bin/buildout");
    Files.createDirectories(copiedLauncher.getParent());
    openForAll(copiedLauncher.getParent());
    Files.writeString(copiedLauncher, Files.readString(launcher).replace(site.toString(), copiedSite.toString()));
    copiedLauncher.toFile().setReadable(true, false);
    copiedLauncher.toFile().setExecutable(true, false);
    return copiedLauncher;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // Best effort at JVM exit: a leftover temporary directory is harmless.
    }
  }

  private static void openForAll(Path directory) {
    directory.toFile().setReadable(true, false);
    directory.toFile().setExecutable(true, false);
  }

  private static void copyResources(Path target, String... names) throws IOException {
    for (String name : names) {
      Path destination = target.resolve(name);
      Files.createDirectories(destination.getParent());
      try (InputStream in = RealBuildout.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("missing test resource " + name);
        }
        Files.copy(in, destination);
      }
    }
  }

  /** A process's exit code and merged output. */
  public record Output(int exitCode, String text) { }

  public static Output run(List<String> command, Path directory, Duration timeout) throws Exception {
    Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      fail(command + " did not end within " + timeout);
    }
    return new Output(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
