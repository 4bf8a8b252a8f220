/** The {@code slapos node ...} commands ({@code node format}). Private to the bundle. */
package org.slapos.node.shell;
