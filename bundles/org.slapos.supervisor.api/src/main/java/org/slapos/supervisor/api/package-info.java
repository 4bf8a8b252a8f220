/**
 * The node's process supervision: the {@link NodeSupervisor} service that writes the node
 * supervisord configuration and the partitions' program files and drives supervisord over its
 * XML-RPC socket, with its DTOs and {@link SupervisorException}; {@link SupervisorConsole} for the
 * supervisord/supervisorctl commands; {@link ProcessWatchdog} and {@link WatchdogCommand} for the
 * watchdog event listener.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.supervisor.api;
