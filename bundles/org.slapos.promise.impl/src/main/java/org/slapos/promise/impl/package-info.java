/**
 * The promise checker: {@link org.slapos.promise.impl.PromiseCheckerComponent} (DS adapter, whiteboard
 * of {@link org.slapos.promise.api.Promise} services) over {@link org.slapos.promise.impl.PromiseEngine}
 * (one partition's run). Private to the bundle.
 */
package org.slapos.promise.impl;
