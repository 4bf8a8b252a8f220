package org.slapos.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.slapos.command.api.SlaposCommand;

/** The whiteboard side of the registry: service objects are got for a run and given back after it. */
class CommandRegistryTest {

  /** What DS hands the registry for one command service, counting gets and ungets. */
  private static final class FakeServiceObjects implements ComponentServiceObjects<SlaposCommand> {
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger ungets = new AtomicInteger();
    final SlaposCommand command = (context, args) -> 0;
    final ServiceReference<SlaposCommand> reference;
    volatile boolean unregistered;

    @SuppressWarnings("unchecked")
    FakeServiceObjects(String name) {
      reference = (ServiceReference<SlaposCommand>) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
            case "getProperty" -> SlaposCommand.NAME.equals(args[0]) ? name : null;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "reference to " + name;
            default -> throw new UnsupportedOperationException(method.getName());
          });
    }

    @Override
    public SlaposCommand getService() {
      if (unregistered) {
        return null;
      }
      gets.incrementAndGet();
      return command;
    }

    @Override
    public void ungetService(SlaposCommand service) {
      assertEquals(command, service);
      ungets.incrementAndGet();
    }

    @Override
    public ServiceReference<SlaposCommand> getServiceReference() {
      return reference;
    }
  }

  @Test
  void aLeaseGetsTheServiceObjectAndClosingItGivesItBack() {
    CommandRegistry registry = new CommandRegistry(() -> null);
    FakeServiceObjects objects = new FakeServiceObjects("service info");
    registry.addCommand(objects, Map.of(SlaposCommand.NAME, "service info", SlaposCommand.GROUP, "client"));
    CommandEntry entry = registry.match(List.of("service", "info", "x")).orElseThrow();
    assertEquals("client", entry.group());
    assertEquals(0, objects.gets.get(), "listing a command does not activate it");
    try (CommandLease lease = entry.lease()) {
      assertEquals(objects.command, lease.command());
      assertEquals(1, objects.gets.get());
      assertEquals(0, objects.ungets.get());
    }
    assertEquals(1, objects.ungets.get());
  }

  @Test
  void removedAndVanishedCommands() {
    CommandRegistry registry = new CommandRegistry(() -> null);
    FakeServiceObjects objects = new FakeServiceObjects("request");
    registry.addCommand(objects, Map.of(SlaposCommand.NAME, "request"));
    CommandEntry entry = registry.match(List.of("request")).orElseThrow();
    objects.unregistered = true;
    IllegalStateException gone = assertThrows(IllegalStateException.class, entry::lease);
    assertEquals("The command 'request' is no longer available", gone.getMessage());
    registry.removeCommand(objects);
    assertFalse(registry.match(List.of("request")).isPresent());
  }

  @Test
  void aServiceWithoutANameIsIgnored() {
    CommandRegistry registry = new CommandRegistry(() -> null);
    registry.addCommand(new FakeServiceObjects("x"), Map.of(SlaposCommand.SUMMARY, "no name"));
    assertTrue(registry.all().isEmpty());
  }
}
