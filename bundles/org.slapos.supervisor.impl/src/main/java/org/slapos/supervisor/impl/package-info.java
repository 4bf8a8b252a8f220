/**
 * The node supervisord: {@link org.slapos.supervisor.impl.SupervisordNode} writes the files and drives
 * the real supervisord through {@link org.slapos.supervisor.impl.SupervisorRpc} (XML-RPC on its unix
 * socket); {@link org.slapos.supervisor.impl.Watchdog} is the event listener that bangs. The
 * {@code *Component} classes are their DS adapters. Private to the bundle.
 */
package org.slapos.supervisor.impl;
