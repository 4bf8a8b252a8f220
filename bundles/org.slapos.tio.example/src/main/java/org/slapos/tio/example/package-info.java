/**
 * A worked example of a usage bundle (docs/usage-reports.md):
 * {@link org.slapos.tio.example.DiskUsageContributor} adds each partition's disk usage to the node's
 * usage journal. Private to the bundle: a usage bundle exports nothing, it only registers a
 * {@link org.slapos.tio.api.UsageContributor} service.
 */
package org.slapos.tio.example;
