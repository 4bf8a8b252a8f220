/**
 * What the node's grid commands share ({@code slapos node software}, later {@code node instance} and
 * {@code node report}): the {@link NodeSettings} read from slapos.cfg and the command line, and the
 * {@link SoftwareInstaller} service with its request, outcome and {@link GridException}, and the
 * {@link InstanceDeployer} service ({@code node instance}) with its {@link InstanceSettings}, request and outcome,
 * and the {@link PartitionReporter} service ({@code node report}) with its request and outcome.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.grid.api;
