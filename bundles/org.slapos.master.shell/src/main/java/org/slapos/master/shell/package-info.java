/**
 * The {@code slapos proxy start} and {@code slapos proxy show} commands. Private to the bundle.
 */
package org.slapos.master.shell;
