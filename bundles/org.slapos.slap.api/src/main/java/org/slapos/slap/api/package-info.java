/**
 * The SLAP library API: the objects a client, a node or a master-to-master forwarder uses to talk
 * to a SlapOS Master (or slapproxy). Implementations are registered as a {@link SlapConnector}
 * service; everything else is reached from the {@link Slap} it returns.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.slapos.slap.api;
