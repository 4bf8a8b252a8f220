/** The partition deployer ({@code slapos node instance}'s engine). Private to the bundle. */
package org.slapos.grid.instance;
