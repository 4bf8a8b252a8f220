package org.slapos.cli.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
  private final CommandRegistry registry;
  private final BundleContext bundleContext;
  private final List<String> arguments;

  @Activate
  public CliMain(BundleContext bundleContext, @Reference CommandRegistry registry,
      @Reference(service = Object.class, target = "(launcher.arguments=*)") Map<String, Object> launcher) {
    this.bundleContext = bundleContext;
    this.registry = registry;
    Object args = launcher.get("launcher.arguments");
    this.arguments = args instanceof String[] array ? List.of(array) : List.of();
  }

  @Override
  public Integer call() {
    CliContext context = CliContext.ofProcess(false, 0, bundleContext::getProperty);
    int code = new Application(registry).run(arguments, context);
    context.out().flush();
    context.err().flush();
    return code;
  }
}
