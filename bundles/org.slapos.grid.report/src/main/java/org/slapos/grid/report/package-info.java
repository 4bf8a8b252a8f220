/** The partition reporter ({@code slapos node report}'s engine). Private to the bundle. */
package org.slapos.grid.report;
