/**
 * The node daemon's loops: {@link NodeLoops} runs {@code slapos node software}, {@code node instance},
 * {@code node report} and {@code node collect} on a schedule inside one long-running runtime, and lets
 * an operator run one now, pause or resume it; {@link LoopStatus} and {@link LoopRun} describe them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.node.daemon.api;
