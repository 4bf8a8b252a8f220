/**
 * Promises, the partitions' health checks: the {@link Promise} SPI that Java bundles register
 * (whiteboard) and the {@link PromiseChecker} service that runs a partition's promises (its
 * {@code etc/plugin} and {@code etc/promise} ones and the bundles' ones) and writes their results.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.promise.api;
