package org.slapos.cli.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slapos.command.api.CommandFailure;

/**
 * Makes every {@code slapos} command a Gogo command of scope {@code slapos}: {@code slapos:request
 * a b}, {@code slapos:service info x}, {@code slapos:proxy show}. One Gogo function per first word;
 * the rest of the name is matched like on the command line. Follows the command whiteboard.
 */
@Component(immediate = true)
public class GogoBridge {
  static final String SCOPE = "slapos";

  private final BundleContext bundleContext;
  private final CommandRegistry registry;
  private final Map<String, ServiceRegistration<Function>> functions = new HashMap<>();
  private final Runnable listener = this::synchronize;

  @Activate
  public GogoBridge(BundleContext bundleContext, @Reference CommandRegistry registry) {
    this.bundleContext = bundleContext;
    this.registry = registry;
    registry.onChange(listener);
    synchronize();
  }

  @Deactivate
  synchronized void deactivate() {
    registry.removeListener(listener);
    functions.values().forEach(ServiceRegistration::unregister);
    functions.clear();
  }

  private synchronized void synchronize() {
    Set<String> firstWords = new TreeSet<>();
    registry.all().forEach(entry -> firstWords.add(entry.words().get(0)));
    functions.entrySet().removeIf(e -> {
      if (!firstWords.contains(e.getKey())) {
        e.getValue().unregister();
        return true;
      }
      return false;
    });
    for (String word : firstWords) {
      functions.computeIfAbsent(word, this::register);
    }
  }

  private ServiceRegistration<Function> register(String word) {
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put(CommandProcessor.COMMAND_SCOPE, SCOPE);
    properties.put(CommandProcessor.COMMAND_FUNCTION, word);
    return bundleContext.registerService(Function.class, new WordFunction(word), properties);
  }

  /** Runs {@code word args...} as the command line would, in the Gogo session's streams. */
  private final class WordFunction implements Function {
    private final String word;

    WordFunction(String word) {
      this.word = word;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) throws Exception {
      List<String> words = new ArrayList<>();
      words.add(word);
      arguments.forEach(a -> words.add(String.valueOf(a)));
      CommandEntry entry = registry.match(words)
          .orElseThrow(() -> new CommandFailure(Application.EXIT_UNKNOWN_COMMAND,
              "the command '" + String.join(" ", words) + "' does not exist or is not yet implemented."));
      // Gogo redirects System.in/out/err to the session's streams while a command runs.
      CliContext context = CliContext.ofProcess(false, 0, bundleContext::getProperty);
      int code;
      try (CommandLease lease = entry.lease()) {
        // Global options after the command (-v, --debug...) mean the same as on the command line.
        GlobalOptions.Trailing trailing = GlobalOptions.DEFAULTS.parseTrailing(
            words.subList(entry.words().size(), words.size()), lease.command().optionNames());
        code = Application.execute(lease.command(), trailing.commandArgs(),
            context.withOptions(trailing.options().debug(), trailing.options().verbosity()));
      }
      if (code != 0) {
        throw new CommandFailure(code, "slapos " + String.join(" ", entry.words()) + " exited with code " + code);
      }
      return null;
    }
  }
}
