package org.slapos.buildout.api;

import java.time.Duration;
import java.util.List;

/**
 * How a buildout run ended.
 *
 * @param exitCode the process's exit code; meaningless when {@code timedOut}
 * @param timedOut the run exceeded its timeout and its process tree was killed
 * @param duration wall-clock time from start to end
 * @param outputTail the last lines of buildout's output (stdout and stderr merged), oldest first
 */
public record BuildoutResult(int exitCode, boolean timedOut, Duration duration, List<String> outputTail) {

  public BuildoutResult {
    outputTail = List.copyOf(outputTail);
  }

  /** Buildout ended in time with exit code 0. */
  public boolean succeeded() {
    return !timedOut && exitCode == 0;
  }

  /** The output tail as one text, a line per line, as the original puts it in error reports. */
  public String outputText() {
    return String.join("\n", outputTail);
  }
}
