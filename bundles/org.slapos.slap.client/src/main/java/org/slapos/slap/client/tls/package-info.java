/**
 * Server-certificate trust for the product's https clients: the JVM's trust store plus an optional
 * PEM CA file, host names checked, and an explicit insecure mode; and client certificates read from
 * PEM files ({@link org.slapos.slap.client.tls.ClientCertificate}). The SLAP client and slapproxy's
 * multimaster forwarding use it; any other https client of the product (the network cache) should
 * build its trust here too, so that every https connection is verified the same way.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.slapos.slap.client.tls;
