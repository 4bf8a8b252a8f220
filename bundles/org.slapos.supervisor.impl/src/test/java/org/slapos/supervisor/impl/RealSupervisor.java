package org.slapos.supervisor.impl;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slapos.supervisor.api.NodeSupervisor;
import org.slapos.supervisor.api.PartitionPrograms;
import org.slapos.supervisor.api.SupervisorConsole;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;

/**
 * The real supervisord for tests: installed by bin/setup-supervisor (a test fails, never skips, when it
 * cannot be had), instance roots in a world-traversable temporary directory, partitions owned by
 * {@link #UNPRIVILEGED_USER} when the tests run as root, and a shutdown of every supervisord a test
 * launched. Shared through this module's test-jar with the command tests.
 */
public final class RealSupervisor implements AutoCloseable {
  /** Who the partitions' programs run as when the tests run as root. */
  public static final String UNPRIVILEGED_USER = "nobody";
  private static final AtomicInteger ROOTS = new AtomicInteger();

  public final Path supervisord;
  public final Path supervisorctl;
  /** Whether the tests run as root. */
  public final boolean root;
  /** World-traversable: the partitions' users reach their directories below it. */
  public final Path work;
  private final List<SupervisorSettings> launched = new ArrayList<>();
  private final NodeSupervisorComponent service;

  private RealSupervisor(Path supervisord, Path supervisorctl, boolean root, Path work) {
    this.supervisord = supervisord;
    this.supervisorctl = supervisorctl;
    this.root = root;
    this.work = work;
    this.service = new NodeSupervisorComponent(Configs.supervisor(supervisord, supervisorctl), (String) null);
  }

  public static RealSupervisor install() throws Exception {
    Path module = Path.of("").toAbsolutePath();
    Path repository = module;
    while (repository != null && !Files.isExecutable(repository.resolve("bin/setup-supervisor"))) {
      repository = repository.getParent();
    }
    if (repository == null) {
      fail("bin/setup-supervisor not found above " + module);
    }
    Process setup = new ProcessBuilder(repository.resolve("bin/setup-supervisor").toString())
        .directory(repository.toFile()).redirectErrorStream(true).start();
    setup.getOutputStream().close();
    String output = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!setup.waitFor(5, TimeUnit.MINUTES) || setup.exitValue() != 0) {
      setup.destroyForcibly();
      fail("bin/setup-supervisor failed; supervisord is needed by these tests:\n" + output);
    }
    String[] lines = output.strip().split("\n");
    Path supervisord = Path.of(lines[lines.length - 1].strip());
    Path supervisorctl = supervisord.resolveSibling("supervisorctl");
    boolean root = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    Path work = Files.createTempDirectory("slapos-supervisor-tests-");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new RealSupervisor(supervisord, supervisorctl, root, work);
  }

  /** The node supervisor as the runtime's component makes it, on this supervisord. */
  public NodeSupervisor service() {
    return service;
  }

  public SupervisorConsole console() {
    return service;
  }

  /**
   * A fresh instance root (0755, as format makes it) whose supervisord is shut down by {@link #close}.
   * Its socket path stays short: unix socket paths are limited to 107 bytes.
   */
  public SupervisorSettings instanceRoot(String watchdogCommand) throws IOException {
    Path root = work.resolve("i" + ROOTS.incrementAndGet());
    Files.createDirectories(root);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    SupervisorSettings settings = new SupervisorSettings(root, watchdogCommand);
    launched.add(settings);
    return settings;
  }

  /** A partition directory (0750, as format makes it) owned by the programs' user. */
  public PartitionPrograms partition(SupervisorSettings settings, String id) throws IOException {
    Path directory = settings.instanceRoot().resolve(id);
    Files.createDirectories(directory.resolve("etc/run"));
    Files.createDirectories(directory.resolve("etc/service"));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
    String user = root ? UNPRIVILEGED_USER : System.getProperty("user.name");
    if (root) {
      chown(directory);
    }
    return new PartitionPrograms(id, directory, user, root ? groupOf(UNPRIVILEGED_USER) : user, directory);
  }

  /** Writes an executable program script, owned by the programs' user. */
  public Path program(Path file, String script) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (root) {
      chown(file.getParent());
      chown(file);
    }
    return file;
  }

  private void chown(Path path) throws IOException {
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(path, users.lookupPrincipalByName(UNPRIVILEGED_USER));
  }

  private static String groupOf(String user) throws IOException {
    try {
      Accounts.Account account = new Accounts(Duration.ofSeconds(30)).user(user);
      return String.valueOf(account.gid());
    } catch (SupervisorException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Polls {@code condition} until it holds; fails the test with {@code what} after {@code timeout}. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  /** Shuts down every supervisord launched on this fixture's instance roots, then deletes them. */
  @Override
  public void close() throws Exception {
    Exception first = null;
    for (SupervisorSettings settings : launched) {
      try {
        service.shutdown(settings);
      } catch (SupervisorException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    launched.clear();
    try (Stream<Path> paths = Files.walk(work)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
    if (first != null) {
      throw first;
    }
  }
}
