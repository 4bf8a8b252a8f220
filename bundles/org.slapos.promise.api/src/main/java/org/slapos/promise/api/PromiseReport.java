package org.slapos.promise.api;

import java.util.List;
import java.util.Optional;

/**
 * The result of a promise run over a partition.
 *
 * @param outcomes every promise considered, plugins first, then legacy, then bundle promises
 */
public record PromiseReport(List<PromiseOutcome> outcomes) {

  public PromiseReport {
    outcomes = List.copyOf(outcomes);
  }

  public boolean failed() {
    return outcomes.stream().anyMatch(outcome -> outcome.result().failed());
  }

  /** The original's error text for the first failure: {@code Promise 'NAME' failed with output: MESSAGE}. */
  public Optional<String> firstFailure() {
    return outcomes.stream().filter(outcome -> outcome.result().failed()).findFirst()
        .map(outcome -> "Promise '" + outcome.title() + "' failed with output: " + outcome.result().message());
  }
}
