/**
 * The buildout runner: the {@link BuildoutRunner} service that runs zc.buildout in a Software Release
 * or partition directory, the {@link BuildoutRequest} it takes, the {@link BuildoutResult} it returns
 * and its {@link BuildoutException}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.slapos.buildout.api;
