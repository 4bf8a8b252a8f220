/**
 * The partition formatter ({@code slapos node format}): the {@link PartitionFormatter} service, the
 * request it takes, the computer model it produces (the same fields as the original's state file)
 * and its {@link FormatException}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.format.api;
