/**
 * Resource usage collection ({@code slapos node collect}): one pass measures the processes of every
 * partition user and the node itself, stores them in the collector database and writes the daily
 * consumption journals that {@code node report} sends.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.slapos.collect.api;
