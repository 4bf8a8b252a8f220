package org.slapos.launcher;

import java.util.List;

/**
 * Picks the runtime a command needs, so that every-day client commands do not pay for starting
 * the master's HTTP server and database: {@code proxy ...} runs on the master runtime, the rest on
 * the command-line runtime.
 */
final class RuntimeSelector {
  static final String CLI = "cli";
  static final String MASTER = "master";

  private RuntimeSelector() {
  }

  static String runtimeFor(List<String> commandWords) {
    if (!commandWords.isEmpty() && commandWords.get(0).equals("proxy")) {
      return MASTER;
    }
    return CLI;
  }
}
