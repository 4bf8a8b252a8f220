package org.slapos.cli.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

/**
 * The process's main thread: the launcher (ours or bnd's) registers a service carrying the command
 * line in {@code launcher.arguments} and calls this {@code Callable} on its main thread; the
 * returned integer is the process exit code.
 */
@Component(service = Callable.class, property = "main.thread=true")
public class CliMain implements Callable<Integer> {
  static final String LAUNCHER_LOGGING = "launcher.logging";

  private final CommandRegistry registry;
  private final BundleContext bundleContext;
  private final List<String> arguments;
  /** Sets up logging again when global options come after the command (the launcher saw only those before). */
  private final Consumer<GlobalOptions> loggingSetup;

  /** The launcher's keep-alive service (ours registers one; bnd's executable-jar launcher does not). */
  private final Runnable launcherKeepAlive;
  /** Set when a command asked to keep the runtime running and no launcher service can do it. */
  private final AtomicBoolean blockUntilStopped = new AtomicBoolean();
  private final CountDownLatch deactivated = new CountDownLatch(1);

  @Activate
  public CliMain(BundleContext bundleContext, @Reference CommandRegistry registry,
      @Reference(service = Object.class, target = "(launcher.arguments=*)") Map<String, Object> launcher,
      @Reference(cardinality = ReferenceCardinality.OPTIONAL, target = "(launcher.keepalive=true)")
      Runnable launcherKeepAlive) {
    this.bundleContext = bundleContext;
    this.registry = registry;
    Object args = launcher.get("launcher.arguments");
    this.arguments = args instanceof String[] array ? List.of(array) : List.of();
    this.loggingSetup = loggingSetup(launcher.get(LAUNCHER_LOGGING));
    this.launcherKeepAlive = launcherKeepAlive;
  }

  /**
   * Our launcher puts a {@code Consumer<String[]>} in the {@value #LAUNCHER_LOGGING} property: given
   * the global options as a command line, it sets up logging from them. Other launchers have none.
   */
  @SuppressWarnings("unchecked")
  private static Consumer<GlobalOptions> loggingSetup(Object launcherLogging) {
    if (launcherLogging instanceof Consumer<?> consumer) {
      return options -> ((Consumer<String[]>) consumer).accept(options.toArguments());
    }
    return options -> { };
  }

  @Deactivate
  void deactivate() {
    deactivated.countDown();
  }

  @Override
  public Integer call() throws InterruptedException {
    CliContext context = CliContext.ofProcess(false, 0, bundleContext::getProperty, this::keepRuntimeRunning);
    int code = new Application(registry, loggingSetup).run(arguments, context);
    context.out().flush();
    context.err().flush();
    if (blockUntilStopped.get()) {
      // No launcher keeps the process alive for us: return only when the framework stops (which
      // deactivates this component).
      deactivated.await();
    }
    return code;
  }

  private void keepRuntimeRunning() {
    if (launcherKeepAlive != null) {
      launcherKeepAlive.run();
    } else {
      blockUntilStopped.set(true);
    }
  }
}
