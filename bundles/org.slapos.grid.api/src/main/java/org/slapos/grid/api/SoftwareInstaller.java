package org.slapos.grid.api;

import java.util.function.Consumer;

/**
 * Installs and destroys the Software Releases the master lists for this node ({@code slapos node
 * software}, node-behavior §4): a release directory named by the md5 of its URL, the binary cache
 * before buildout, the building/available/error/destroyed reports, {@code .completed}. One failed
 * release never stops the others.
 * <p>Provider type: the grid bundle implements it; the command and the daemon call it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface SoftwareInstaller {
  /**
   * Runs once over the master's list.
   *
   * @param progress receives human-readable progress lines (release started, buildout output...)
   * @throws GridException when the run cannot take place; nothing was installed then
   */
  SoftwareRun run(SoftwareRunRequest request, Consumer<String> progress) throws GridException;
}
