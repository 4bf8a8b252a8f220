/**
 * A worked example of a promise contributed by a Java bundle (docs/promises.md):
 * {@link org.slapos.promise.example.DiskUsagePromise}. Private to the bundle: a promise bundle exports
 * nothing, it only registers a {@link org.slapos.promise.api.Promise} service.
 */
package org.slapos.promise.example;
