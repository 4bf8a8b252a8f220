/**
 * The TIO reporter: {@link org.slapos.tio.impl.TioReporterComponent} (DS adapter, whiteboard of
 * {@link org.slapos.tio.api.UsageContributor} services) over {@link org.slapos.tio.impl.TioSchemas}
 * (the two schemas, a locked-down validating parser), {@link org.slapos.tio.impl.JournalWriter} (the
 * journal's bytes) and {@link org.slapos.tio.impl.UsageContributions} (asking the contributors).
 * Private to the bundle.
 */
package org.slapos.tio.impl;
