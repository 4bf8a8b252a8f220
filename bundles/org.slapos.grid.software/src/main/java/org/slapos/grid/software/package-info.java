/** The Software Release installer ({@code slapos node software}'s engine). Private to the bundle. */
package org.slapos.grid.software;
