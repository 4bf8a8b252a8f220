package org.slapos.cli.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

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

  @Activate
  public CliMain(BundleContext bundleContext, @Reference CommandRegistry registry,
      @Reference(service = Object.class, target = "(launcher.arguments=*)") Map<String, Object> launcher) {
    this.bundleContext = bundleContext;
    this.registry = registry;
    Object args = launcher.get("launcher.arguments");
    this.arguments = args instanceof String[] array ? List.of(array) : List.of();
    this.loggingSetup = loggingSetup(launcher.get(LAUNCHER_LOGGING));
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

  @Override
  public Integer call() {
    CliContext context = CliContext.ofProcess(false, 0, bundleContext::getProperty);
    int code = new Application(registry, loggingSetup).run(arguments, context);
    context.out().flush();
    context.err().flush();
    return code;
  }
}
