/** {@code slapos cache lookup}: which systems have a binary of a Software Release in the cache. */
package org.slapos.cache.shell;
