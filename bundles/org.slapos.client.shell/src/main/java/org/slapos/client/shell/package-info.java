/**
 * The client commands of {@code slapos} ({@code request}, {@code supply}, {@code remove},
 * {@code service info/list}, {@code computer list/info}, {@code console}): {@code SlaposCommand}
 * services on the SLAP library, as {@code org.slapos.master.shell} holds the proxy's commands.
 * Private to the bundle.
 */
package org.slapos.client.shell;
