package org.slapos.standalone;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.SlaposCommand;

/**
 * The {@code slapos} commands of this runtime, by their {@link SlaposCommand#NAME}, fed by a command
 * component's dynamic reference: the standalone commands run the other commands ({@code proxy start},
 * {@code node format}, {@code node daemon}...) in the same JVM through it. Each run gets its own
 * service object and gives it back afterwards, as the command line does. A component of this bundle
 * (a service of its private package) that the standalone commands share.
 */
@Component(service = CommandWhiteboard.class)
public final class CommandWhiteboard {
  /** How long a run waits for a command that is not registered yet (its bundle still starting). */
  static final long REGISTRATION_TIMEOUT_SECONDS = 30;

  private final Map<String, ComponentServiceObjects<SlaposCommand>> commands = new HashMap<>();

  @Reference(service = SlaposCommand.class, cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC)
  synchronized void addCommand(ComponentServiceObjects<SlaposCommand> objects, Map<String, Object> properties) {
    Object name = properties.get(SlaposCommand.NAME);
    if (name instanceof String text) {
      commands.put(text, objects);
      // Wakes a run waiting for this command (see lease).
      notifyAll();
    }
  }

  void updatedCommand(ComponentServiceObjects<SlaposCommand> objects, Map<String, Object> properties) {
    addCommand(objects, properties);
  }

  synchronized void removeCommand(ComponentServiceObjects<SlaposCommand> objects) {
    commands.values().removeIf(registered -> registered == objects);
  }

  /**
   * Runs {@code slapos <name> <args>} with {@code context}.
   *
   * @return the command's exit code
   * @throws CommandFailure the command's own failure, or exit 1 when it is not in this runtime
   */
  int run(String name, List<String> args, CommandContext context) throws Exception {
    ComponentServiceObjects<SlaposCommand> objects = lease(name);
    SlaposCommand command = objects.getService();
    if (command == null) {
      throw new CommandFailure(1, "The command '" + name + "' is no longer available");
    }
    try {
      return command.run(context, args);
    } finally {
      objects.ungetService(command);
    }
  }

  private synchronized ComponentServiceObjects<SlaposCommand> lease(String name)
      throws CommandFailure, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REGISTRATION_TIMEOUT_SECONDS);
    while (!commands.containsKey(name)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new CommandFailure(1, "The command 'slapos " + name + "' is not in this runtime (waited "
            + REGISTRATION_TIMEOUT_SECONDS + " s); the standalone runtime needs it");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return commands.get(name);
  }
}
