/**
 * The standalone node's configuration: {@code slapos configure local} and {@link StandaloneLayout},
 * the data directory a standalone node (proxy and node in one runtime) runs in. Private to the bundle.
 */
package org.slapos.standalone;
