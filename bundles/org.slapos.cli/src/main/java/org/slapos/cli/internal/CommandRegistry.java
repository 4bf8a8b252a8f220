package org.slapos.cli.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slapos.command.api.SlaposCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command whiteboard: every {@link SlaposCommand} service, by name. Commands come and go with
 * their bundles; lookups always see the current set. Only service references are tracked: a
 * command is activated when it runs, which keeps start-up short and lets commands (help,
 * completion) use this registry without a dependency cycle.
 */
@Component(service = CommandRegistry.class)
public class CommandRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(CommandRegistry.class);

  private final BundleContext bundleContext;
  private final Map<Object, CommandEntry> entries = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  @Activate
  public CommandRegistry(BundleContext bundleContext) {
    this.bundleContext = bundleContext;
  }

  @Reference(service = SlaposCommand.class, cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC)
  void addCommand(ServiceReference<SlaposCommand> reference) {
    java.util.Map<String, Object> properties = new java.util.HashMap<>();
    for (String key : reference.getPropertyKeys()) {
      properties.put(key, reference.getProperty(key));
    }
    // The registry's own context gets the service when the command runs.
    add(reference, () -> CommandEntry.of(() -> bundleContext.getService(reference), properties));
  }

  /** Adds or replaces the command known under {@code key}. */
  void add(Object key, java.util.function.Supplier<CommandEntry> entry) {
    try {
      entries.put(key, entry.get());
      listeners.forEach(Runnable::run);
    } catch (IllegalArgumentException e) {
      LOG.warn("Ignoring a command service: {}", e.getMessage());
    }
  }

  void removeCommand(ServiceReference<SlaposCommand> reference) {
    remove(reference);
  }

  void remove(Object key) {
    if (entries.remove(key) != null) {
      listeners.forEach(Runnable::run);
    }
  }

  void updatedCommand(ServiceReference<SlaposCommand> reference) {
    addCommand(reference);
  }

  /** Commands sorted by name. */
  public List<CommandEntry> all() {
    List<CommandEntry> list = new ArrayList<>(entries.values());
    list.sort(Comparator.comparing(CommandEntry::name));
    return list;
  }

  /**
   * The command whose name is the longest prefix of {@code words} (argparse's {@code node
   * instance} before {@code node}), or empty.
   */
  public Optional<CommandEntry> match(List<String> words) {
    CommandEntry best = null;
    for (CommandEntry entry : entries.values()) {
      List<String> name = entry.words();
      if (name.size() <= words.size() && words.subList(0, name.size()).equals(name)
          && (best == null || name.size() > best.words().size())) {
        best = entry;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Called (on any thread) whenever the set of commands changes. */
  void onChange(Runnable listener) {
    listeners.add(listener);
  }

  void removeListener(Runnable listener) {
    listeners.remove(listener);
  }
}
