package org.slapos.format.api;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a format.
 *
 * @param computer the computer model as stored in the state file
 * @param payload the marshalled computer dictionary to post with {@code loadComputerConfigurationFromXML}
 * @param changes the system changes made (or, in dry-run, that would be made), one line each; empty
 *     when the node was already formatted
 * @param stateFileWritten whether the state file was (re)written; false when its content was unchanged
 */
public record FormatResult(ComputerDTO computer, String payload, List<String> changes, boolean stateFileWritten) {
  public FormatResult {
    Objects.requireNonNull(computer, "computer");
    Objects.requireNonNull(payload, "payload");
    changes = List.copyOf(changes);
  }
}
