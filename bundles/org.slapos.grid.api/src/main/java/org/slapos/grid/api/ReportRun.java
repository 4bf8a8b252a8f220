package org.slapos.grid.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The result of a {@code slapos node report} run.
 *
 * @param destroyed partitions destroyed and reported {@code destroyed} to the master: free again
 * @param retained partitions requested destroyed that the retention lock still keeps (node-behavior §5.14)
 * @param waiting partitions requested destroyed whose {@code .slapos-report-wait-service-list} names a
 *     process still running
 * @param failures one line per failure (a report script, a usage report, a destruction); the
 *     master got each as {@code softwareInstanceError}
 * @param usageDocumentsSent documents posted with {@code useComputer}: computer usage files and the journal
 * @param invalidUsageFiles usage files that failed validation: left in place, not sent
 * @param total wall time of the run
 */
public record ReportRun(List<String> destroyed, List<String> retained, List<String> waiting, List<String> failures,
    int usageDocumentsSent, List<Path> invalidUsageFiles, Duration total) {

  /** Exit code: everything done (retained or waiting partitions are not failures). */
  public static final int SUCCESS = 0;
  /** Exit code: a report script, a usage report or a destruction failed. */
  public static final int FAILURE = 1;

  public ReportRun {
    destroyed = List.copyOf(destroyed);
    retained = List.copyOf(retained);
    waiting = List.copyOf(waiting);
    failures = List.copyOf(failures);
    invalidUsageFiles = List.copyOf(invalidUsageFiles);
    Objects.requireNonNull(total, "total");
  }

  /** The command's exit code as the original computes it (node-behavior §6.1): 1 on any failure, else 0. */
  public int exitCode() {
    return failures.isEmpty() ? SUCCESS : FAILURE;
  }
}
