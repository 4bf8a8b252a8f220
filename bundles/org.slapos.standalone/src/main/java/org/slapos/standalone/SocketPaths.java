package org.slapos.standalone;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The unix socket limit: a socket path (supervisord's {@code sv.sock}, which it first binds under
 * a temporary name with a 7-character suffix) must fit in the 108 bytes of {@code sun_path},
 * terminating NUL included. A data directory too deep for that is refused up front, as the
 * original standalone does, instead of failing later when the supervisor cannot start.
 */
final class SocketPaths {
  static final int SUN_PATH_BYTES = 108;
  /** supervisord binds {@code <socket>.<pid>} before renaming it; the original reserves 8 characters for that. */
  static final String TEMPORARY_SUFFIX = ".xxxxxxx";

  private SocketPaths() {
  }

  /** Checks the {@code sv.sock} that would live directly in {@code directory}. */
  static void check(Path directory) throws LayoutException {
    Path socket = directory.toAbsolutePath().resolve("sv.sock" + TEMPORARY_SUFFIX);
    int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes + 1 > SUN_PATH_BYTES) {
      throw new LayoutException("Directory " + directory + " is too deep: its unix socket path " + socket + " would take "
          + (bytes + 1) + " bytes, more than the " + SUN_PATH_BYTES + " a unix socket allows; choose a shorter path");
    }
  }
}
