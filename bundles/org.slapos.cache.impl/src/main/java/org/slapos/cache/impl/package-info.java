/** The network cache client: java.net.http, signed shadir entries, SHA-512 checks, safe unpacking. */
package org.slapos.cache.impl;
