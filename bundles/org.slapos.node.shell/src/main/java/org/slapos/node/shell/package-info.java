/** The {@code slapos node ...} commands ({@code node format}, {@code node software}). Private to the bundle. */
package org.slapos.node.shell;
