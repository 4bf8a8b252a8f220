package org.slapos.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/slapos}: starts the bundles of one runtime (a directory exported from a
 * {@code runtime/*.bndrun}; exactly those its {@code runbundles.tsv} lists) on Felix, hands the
 * command line to the {@code main.thread} service of the command line bundle, and exits with the
 * code it returns. The runtime is the one the build's command index ({@code commands.tsv}) names
 * for the command.
 * <p>It speaks the bnd launcher's contract ({@code launcher.arguments} service property, a
 * {@code Callable<Integer>} with {@code main.thread=true}), so the same bundles also run from the
 * bnd-exported executable jars. It exists for speed and isolation: bundles are installed by
 * reference (nothing is copied), each process gets its own throw-away cache, and no bnd launcher
 * start-up work is repeated on every command.
 */
public final class Main {
  /** Exit code when the runtime itself cannot start (not a command failure). */
  static final int EXIT_RUNTIME_FAILURE = 1;
  private static final long SERVICE_WAIT_MILLIS = 60_000;

  private Main() {
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args)));
  }

  static int run(List<String> args) {
    GlobalOptions options = GlobalOptions.parse(args);
    LoggingSetup.configure(options);
    Logger log = LoggerFactory.getLogger("slapos");
    Path distribution = distributionDirectory();
    Path commandIndex = distribution.resolve(CommandIndex.FILE_NAME);
    String runtimeName = loadCommandIndex(commandIndex, log).runtimeFor(options.commandWords());
    Path bundles = distribution.resolve(runtimeName);
    if (!Files.isDirectory(bundles)) {
      log.error("Runtime '{}' is missing: {} (build it with the README's setup command)", runtimeName, bundles);
      return EXIT_RUNTIME_FAILURE;
    }
    Path storage;
    try {
      storage = Files.createTempDirectory("slapos-osgi-");
    } catch (IOException e) {
      log.error("Cannot create the framework cache: {}", e.getMessage());
      return EXIT_RUNTIME_FAILURE;
    }
    Framework framework = null;
    Thread shutdownHook = null;
    try {
      framework = newFramework(storage, options, Files.isRegularFile(commandIndex) ? commandIndex : null);
      framework.init();
      BundleContext system = framework.getBundleContext();
      Hashtable<String, Object> launcherProperties = new Hashtable<>();
      launcherProperties.put("launcher.arguments", args.toArray(new String[0]));
      // Global options may also follow the command: the command line hands them all back here.
      launcherProperties.put("launcher.logging", (java.util.function.Consumer<String[]>) globals ->
          LoggingSetup.configure(GlobalOptions.parse(List.of(globals))));
      system.registerService(Object.class, new Object(), launcherProperties);
      KeepAlive keepAlive = KeepAlive.register(system);
      installAndStart(system, bundles);
      framework.start();
      Framework running = framework;
      shutdownHook = new Thread(() -> stopQuietly(running), "slapos-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      int code = callMain(system, log);
      // A command that started services (proxy start) leaves them to the runtime: wait for its stop.
      keepAlive.awaitFrameworkStopIfRequested(framework);
      return code;
    } catch (BundleException | InvalidSyntaxException | IOException e) {
      log.error("Cannot start the {} runtime: {}", runtimeName, e.getMessage(), options.debug() ? e : null);
      return EXIT_RUNTIME_FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_RUNTIME_FAILURE;
    } finally {
      if (framework != null) {
        stopQuietly(framework);
      }
      if (shutdownHook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
          // SIGTERM/SIGINT: the hook is running or has run; nothing to undo.
        }
      }
      deleteTree(storage);
      stopIdleHttpClientSelectors();
    }
  }

  /** The build's command index; without one (or with a broken one) every command runs on the cli runtime. */
  private static CommandIndex loadCommandIndex(Path file, Logger log) {
    if (!Files.isRegularFile(file)) {
      log.debug("No command index at {}: every command runs on the {} runtime", file, CommandIndex.DEFAULT_RUNTIME);
      return new CommandIndex(List.of());
    }
    try {
      return CommandIndex.read(file);
    } catch (IOException e) {
      log.warn("Ignoring the command index: {}", e.getMessage());
      return new CommandIndex(List.of());
    }
  }

  private static Framework newFramework(Path storage, GlobalOptions options, Path commandIndex) {
    Map<String, String> config = new HashMap<>();
    if (commandIndex != null) {
      // The cli bundle lists every command (help, completion), also those of the other runtimes.
      config.put(CommandIndex.FRAMEWORK_PROPERTY, commandIndex.toAbsolutePath().toString());
    }
    config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
    config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
    config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, String.join(",",
        "org.slf4j;version=2.0.17", "org.slf4j.event;version=2.0.17",
        "org.slf4j.helpers;version=2.0.17", "org.slf4j.spi;version=2.0.17"));
    // Gogo's shell must not read the terminal: commands own standard input.
    config.put("gosh.args", "--nointeractive");
    config.put("felix.log.level", options.debug() ? "4" : "1");
    // Secure default for any HTTP server in a runtime: loopback only, and no listener at all until
    // a command (slapos proxy start) configures one. -D system properties below may override.
    config.put("org.apache.felix.http.host", "127.0.0.1");
    config.put("org.osgi.service.http.port", "-1");
    // Felix File Install always starts a watcher of its own, on ./load unless told otherwise: point it
    // at an empty directory of the throw-away framework storage, so that only the deploy folder that
    // `node daemon` configures installs anything.
    config.put("felix.fileinstall.dir", storage.resolve("fileinstall-unused").toString());
    // Pass slapos.* system properties (e.g. -Dslapos.configuration=...) to the framework.
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("slapos.") || name.startsWith("org.osgi.service.http")
            || name.startsWith("org.apache.felix.http"))
        .forEach(name -> config.put(name, System.getProperty(name)));
    FrameworkFactory factory = java.util.ServiceLoader.load(FrameworkFactory.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("No OSGi framework on the class path"));
    return factory.newFramework(config);
  }

  /**
   * Installs exactly the bundles of the runtime's {@code runbundles.tsv} (what its .bndrun
   * resolved to), in its order, and starts them; any other jar in the directory is ignored.
   */
  static List<Bundle> installAndStart(BundleContext system, Path directory) throws IOException, BundleException {
    List<BundleList.Entry> entries = BundleList.read(directory).entries();
    Bundle[] installed = new Bundle[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      BundleList.Entry entry = entries.get(i);
      Path jar = directory.resolve(entry.fileName());
      if (!Files.isRegularFile(jar)) {
        throw new IOException("Bundle " + jar + " named in " + BundleList.FILE_NAME + " is missing (rebuild the runtimes)");
      }
      // reference: makes Felix read the jar in place instead of copying it into the cache.
      installed[i] = system.installBundle("reference:" + jar.toUri());
      if (!installed[i].getSymbolicName().equals(entry.symbolicName())
          || !installed[i].getVersion().toString().equals(entry.version())) {
        throw new BundleException(jar + " is " + installed[i].getSymbolicName() + " " + installed[i].getVersion()
            + ", not " + entry.symbolicName() + " " + entry.version() + " as " + BundleList.FILE_NAME + " says (rebuild the runtimes)");
      }
    }
    system.getBundle().adapt(FrameworkWiring.class).resolveBundles(null);
    for (Bundle bundle : installed) {
      if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
        bundle.start(Bundle.START_ACTIVATION_POLICY);
      }
    }
    return List.of(installed);
  }

  private static int callMain(BundleContext system, Logger log) throws InvalidSyntaxException, InterruptedException {
    Filter filter = FrameworkUtil.createFilter(
        "(&(" + Constants.OBJECTCLASS + "=" + Callable.class.getName() + ")(main.thread=true))");
    ServiceTracker<Object, Object> tracker = new ServiceTracker<>(system, filter, null);
    tracker.open();
    try {
      Object main = tracker.waitForService(SERVICE_WAIT_MILLIS);
      if (!(main instanceof Callable<?> callable)) {
        log.error("The command line bundle did not start (no main.thread service after {} s)",
            SERVICE_WAIT_MILLIS / 1000);
        return EXIT_RUNTIME_FAILURE;
      }
      Object result = callable.call();
      return result instanceof Integer code ? code : 0;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      log.error("{}", e.toString());
      return EXIT_RUNTIME_FAILURE;
    } finally {
      tracker.close();
    }
  }

  private static void stopQuietly(Framework framework) {
    try {
      if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
        framework.stop();
      }
      framework.waitForStop(30_000);
    } catch (BundleException e) {
      LoggerFactory.getLogger("slapos").debug("Framework stop failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * JDK 17's HttpClient keeps a selector thread blocked in native code until the client is
   * garbage collected, and HotSpot's exit waits up to 300 ms for threads in native code. Once the
   * framework is stopped no client is in use: wake those threads (a selector returns on interrupt
   * and the thread ends) so that every command that talked to a master exits at once.
   */
  private static void stopIdleHttpClientSelectors() {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().matches("HttpClient-\\d+-SelectorManager")) {
        thread.interrupt();
        try {
          thread.join(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The directory holding lib/ and one directory of bundles per runtime. */
  static Path distributionDirectory() {
    String configured = System.getProperty("slapos.distribution");
    if (configured != null) {
      return Paths.get(configured);
    }
    try {
      Path jar = Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the launcher jar", e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LoggerFactory.getLogger("slapos").debug("Could not delete {}: {}", root, e.getMessage());
    }
  }

}
