package org.slapos.buildout.api;

import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs zc.buildout once in a directory, as the original node does for Software Releases and partitions.
 *
 * <p>{@code @ProviderType}: only the runner bundle implements it; callers (the node's software and
 * instance runs, the shell) only call it, so methods may be added in minor versions.
 */
@ProviderType
public interface BuildoutRunner {
  /** Configuration PID of the runner. */
  String PID = "org.slapos.buildout";

  /**
   * Runs buildout and waits for it to end or time out.
   *
   * @param request what to run
   * @param outputLine receives each line buildout prints (stdout and stderr merged), as it comes
   * @return the exit code, the duration and the tail of the output; a non-zero exit or a timeout is a
   *     result, not an exception
   * @throws BuildoutException when buildout cannot be started at all (no executable, unusable
   *     directory, unknown or unsafe user) or the calling thread is interrupted
   */
  BuildoutResult run(BuildoutRequest request, Consumer<String> outputLine) throws BuildoutException;

  /** Runs buildout; its output goes to the log only. */
  default BuildoutResult run(BuildoutRequest request) throws BuildoutException {
    return run(request, line -> { });
  }
}
