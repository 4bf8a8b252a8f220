/**
 * The node daemon: {@link org.slapos.node.daemon.LoopScheduler} runs the node commands on a schedule,
 * {@code slapos node daemon} configures it with the remote shell and the deploy folder, and the
 * {@code daemon:} Gogo commands show and steer it. Private to the bundle.
 */
package org.slapos.node.daemon;
