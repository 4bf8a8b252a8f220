package org.slapos.cli.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
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
 * their bundles; lookups always see the current set. Only the services' objects factories are
 * tracked: a command is activated when it runs and released after the run, which keeps start-up
 * short and lets commands (help, completion) use this registry without a dependency cycle.
 * <p>Help and completion also show the commands of the distribution's other runtimes, read lazily
 * from the command index named by the framework property {@value CommandIndex#PROPERTY}.
 */
@Component(service = CommandRegistry.class)
public class CommandRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(CommandRegistry.class);

  private final Map<Object, CommandEntry> entries = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Supplier<Path> indexLocation;
  private volatile List<CommandEntry> index;

  @Activate
  public CommandRegistry(BundleContext bundleContext) {
    this(() -> {
      String location = bundleContext.getProperty(CommandIndex.PROPERTY);
      return location == null || location.isBlank() ? null : Path.of(location);
    });
  }

  /** @param indexLocation the command index file, or null for none */
  CommandRegistry(Supplier<Path> indexLocation) {
    this.indexLocation = indexLocation;
  }

  @Reference(service = SlaposCommand.class, cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC)
  void addCommand(ComponentServiceObjects<SlaposCommand> objects, Map<String, Object> properties) {
    add(objects.getServiceReference(), () -> CommandEntry.of(() -> lease(objects), properties));
  }

  void updatedCommand(ComponentServiceObjects<SlaposCommand> objects, Map<String, Object> properties) {
    addCommand(objects, properties);
  }

  void removeCommand(ComponentServiceObjects<SlaposCommand> objects) {
    remove(objects.getServiceReference());
  }

  /** A service object for one run, given back to the framework when the lease is closed. */
  private CommandLease lease(ComponentServiceObjects<SlaposCommand> objects) {
    SlaposCommand command;
    try {
      command = objects.getService();
    } catch (IllegalStateException e) {
      command = null;
    }
    if (command == null) {
      Object name = objects.getServiceReference().getProperty(SlaposCommand.NAME);
      throw new IllegalStateException("The command '" + name + "' is no longer available");
    }
    SlaposCommand leased = command;
    return new CommandLease(leased, () -> {
      try {
        objects.ungetService(leased);
      } catch (IllegalStateException | IllegalArgumentException alreadyGone) {
        // The service or this registry went away during the run: nothing is held any more.
      }
    });
  }

  /** Adds or replaces the command known under {@code key}. */
  void add(Object key, Supplier<CommandEntry> entry) {
    try {
      entries.put(key, entry.get());
      listeners.forEach(Runnable::run);
    } catch (IllegalArgumentException e) {
      LOG.warn("Ignoring a command service: {}", e.getMessage());
    }
  }

  void remove(Object key) {
    if (entries.remove(key) != null) {
      listeners.forEach(Runnable::run);
    }
  }

  /** The commands registered in this runtime, sorted by name. */
  public List<CommandEntry> all() {
    List<CommandEntry> list = new ArrayList<>(entries.values());
    list.sort(Comparator.comparing(CommandEntry::name));
    return list;
  }

  /**
   * Every command of the distribution, sorted by name: those registered here, then those the
   * command index lists for other runtimes (a registered command hides its index line).
   */
  public List<CommandEntry> catalogue() {
    Map<String, CommandEntry> byName = new LinkedHashMap<>();
    for (CommandEntry entry : index()) {
      byName.putIfAbsent(entry.name(), entry);
    }
    for (CommandEntry entry : entries.values()) {
      byName.put(entry.name(), entry);
    }
    List<CommandEntry> list = new ArrayList<>(byName.values());
    list.sort(Comparator.comparing(CommandEntry::name));
    return list;
  }

  private List<CommandEntry> index() {
    List<CommandEntry> known = index;
    if (known == null) {
      Path file = indexLocation.get();
      known = file == null ? List.of() : CommandIndex.read(file);
      if (file == null) {
        LOG.debug("No command index: the framework property {} is not set", CommandIndex.PROPERTY);
      }
      index = known;
    }
    return known;
  }

  /**
   * The registered command whose name is the longest prefix of {@code words} (argparse's
   * {@code node instance} before {@code node}), or empty.
   */
  public Optional<CommandEntry> match(List<String> words) {
    return longestPrefix(entries.values(), words);
  }

  /** Like {@link #match} over every command of the distribution. */
  public Optional<CommandEntry> matchCatalogue(List<String> words) {
    return longestPrefix(catalogue(), words);
  }

  private static Optional<CommandEntry> longestPrefix(Iterable<CommandEntry> candidates, List<String> words) {
    CommandEntry best = null;
    for (CommandEntry entry : candidates) {
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
