package org.slapos.grid.instance;

import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.HttpError;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.api.Unauthorized;

/**
 * The master could not be reached or failed (connection error, HTTP error other than the SLAP ones):
 * the run stops processing partitions and falls back to offline mode (node-behavior §5.15).
 */
final class MasterUnreachable extends Exception {
  private static final long serialVersionUID = 1L;

  MasterUnreachable(SlapException cause) {
    super(cause.getMessage(), cause);
  }

  /**
   * Whether the original would switch to offline mode on this error: a connection error or any
   * {@code requests} error (HTTP 5xx and the 4xx statuses the library has no meaning for), but not a
   * SLAP error such as 404 (not found) or 403 (unauthorized).
   */
  static boolean isOfflineTrigger(SlapException e) {
    return e instanceof ConnectionError || (e instanceof HttpError && !(e instanceof Unauthorized));
  }
}
