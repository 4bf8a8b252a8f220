/**
 * The network cache (shacache/shadir): prebuilt Software Release tarballs found by the md5 of
 * their URL and the operating system they were built on, trusted only through signed directory
 * entries. {@link org.slapos.cache.api.BinaryCache} is the service the node uses.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.cache.api;
