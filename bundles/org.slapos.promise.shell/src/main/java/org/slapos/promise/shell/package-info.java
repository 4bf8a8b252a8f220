/**
 * {@code slapos node promise}: {@link org.slapos.promise.shell.NodePromiseCommand} runs the promises of
 * the node's started partitions through the {@link org.slapos.promise.api.PromiseChecker}. Private to
 * the bundle.
 */
package org.slapos.promise.shell;
