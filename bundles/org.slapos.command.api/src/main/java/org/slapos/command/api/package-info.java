/**
 * The command whiteboard: a bundle adds a {@code slapos} command (e.g. {@code request},
 * {@code proxy start}, {@code node format}) by registering a {@link SlaposCommand} service.
 * The command line and the Gogo shell both find commands here, so they behave alike.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.slapos.command.api;
