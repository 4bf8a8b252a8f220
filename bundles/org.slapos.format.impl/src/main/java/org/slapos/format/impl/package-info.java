/**
 * The partition formatter: the computer model from slapos.cfg, the original's address derivation,
 * the state files, and {@link org.slapos.format.impl.SystemOperations}, the one door to the
 * operating system. Private to the bundle.
 */
package org.slapos.format.impl;
