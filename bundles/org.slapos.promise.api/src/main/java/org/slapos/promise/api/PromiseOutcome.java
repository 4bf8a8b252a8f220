package org.slapos.promise.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One promise of a run.
 *
 * @param title the promise's title (file name without extension, or the bundle promise's name)
 * @param kind where it comes from
 * @param path its file ({@code null} for a bundle promise)
 * @param ran whether it ran in this pass (false: skipped by periodicity, previous result reused)
 * @param result what it said
 * @param executionTime how long it ran
 */
public record PromiseOutcome(String title, Kind kind, Path path, boolean ran, PromiseResult result,
    Duration executionTime) {

  /** Where a promise comes from. */
  public enum Kind {
    /** {@code etc/plugin/*.py}, run with the release's Python. */
    PLUGIN,
    /** {@code etc/promise/*} executables. */
    LEGACY,
    /** A {@link Promise} service of a Java bundle. */
    BUNDLE
  }

  public PromiseOutcome {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(result, "result");
    executionTime = executionTime == null ? Duration.ZERO : executionTime;
  }
}
