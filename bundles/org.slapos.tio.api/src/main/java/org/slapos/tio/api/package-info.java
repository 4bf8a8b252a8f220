/**
 * Usage reporting in the TIO format (node-behavior §6.2-6.4): the {@link TioReporter} service that
 * validates TIO documents and builds the node's journal, and the {@link UsageContributor} SPI through
 * which Java bundles add usage lines (whiteboard).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.tio.api;
