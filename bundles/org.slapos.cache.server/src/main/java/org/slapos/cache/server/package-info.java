/**
 * A small shacache/shadir server for the master runtime: blobs by SHA-512 and signed entries by
 * key, on disk under one root. A servlet-free core ({@link org.slapos.cache.server.CacheEndpoints})
 * behind thin Servlet Whiteboard adapters. Private: nothing is exported.
 */
package org.slapos.cache.server;
