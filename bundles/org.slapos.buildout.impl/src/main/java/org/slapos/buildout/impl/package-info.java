/**
 * The buildout runner: {@link org.slapos.buildout.impl.ExecBuildoutRunner} runs zc.buildout through
 * Commons Exec; {@link org.slapos.buildout.impl.BuildoutRunnerComponent} is its DS adapter. Private to
 * the bundle.
 */
package org.slapos.buildout.impl;
