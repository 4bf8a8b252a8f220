package org.slapos.grid.api;

import java.time.Duration;
import java.util.Objects;

/**
 * What a run did with one Software Release of the master's list.
 *
 * @param url the release URL
 * @param directoryName the md5 of the URL: the release directory's name under the software root
 * @param action what happened
 * @param message for {@link Action#FAILED}, the error reported to the master; otherwise a short note
 * @param buildoutTime time spent in buildout for this release (zero when it did not run)
 */
public record SoftwareOutcome(String url, String directoryName, Action action, String message,
    Duration buildoutTime) {

  /** What a run did with a release. */
  public enum Action {
    /** {@code .completed} was there and no {@code --force}: nothing run, nothing reported. */
    UP_TO_DATE,
    /** Unpacked from the binary cache; buildout did not run. */
    INSTALLED_FROM_CACHE,
    /** Built with buildout. */
    BUILT,
    /** The master asked for destruction: the directory is gone and the master was told. */
    DESTROYED,
    /** Left out by the request's {@code only} list. */
    SKIPPED,
    /** A state this node has nothing to do for. */
    IGNORED,
    /** Installing or destroying failed; the master got the error. */
    FAILED
  }

  public SoftwareOutcome {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(directoryName, "directoryName");
    Objects.requireNonNull(action, "action");
    message = message == null ? "" : message;
    buildoutTime = buildoutTime == null ? Duration.ZERO : buildoutTime;
  }
}
