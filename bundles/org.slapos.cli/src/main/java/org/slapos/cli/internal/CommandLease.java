package org.slapos.cli.internal;

import org.slapos.command.api.SlaposCommand;

/**
 * A command service object held for one run. Closing it releases the object, so that a command
 * service (a prototype or bundle-scoped DS component) can be deactivated once nobody uses it.
 */
final class CommandLease implements AutoCloseable {
  /** Where leases of one command come from. */
  @FunctionalInterface
  interface Source {
    /** @throws IllegalStateException when the service went away since it was listed */
    CommandLease lease();
  }

  private final SlaposCommand command;
  private final Runnable release;

  CommandLease(SlaposCommand command, Runnable release) {
    this.command = command;
    this.release = release;
  }

  /** A lease on an object that needs no release (tests, built-in objects). */
  static Source of(SlaposCommand command) {
    return () -> new CommandLease(command, () -> { });
  }

  SlaposCommand command() {
    return command;
  }

  @Override
  public void close() {
    release.run();
  }
}
