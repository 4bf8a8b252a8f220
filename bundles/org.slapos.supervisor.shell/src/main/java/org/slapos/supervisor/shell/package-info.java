/**
 * The {@code slapos node supervisord}, {@code supervisorctl}, {@code status}, {@code start},
 * {@code stop}, {@code restart}, {@code tail} and {@code watchdog} commands. Private to the bundle.
 */
package org.slapos.supervisor.shell;
