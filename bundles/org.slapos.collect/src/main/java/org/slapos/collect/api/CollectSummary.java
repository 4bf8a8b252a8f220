package org.slapos.collect.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one pass did.
 *
 * @param date the UTC date stamped on every row ({@code YYYY-MM-DD})
 * @param time the UTC time stamped on every row ({@code HH:MM:SS})
 * @param processes the number of process rows stored per partition user (every user, 0 when idle)
 * @param database the collector database
 * @param journals the journals written into {@code var/xml_report/<computer_id>/} by this pass
 * @param elapsed how long the pass took
 */
public record CollectSummary(String date, String time, Map<String, Integer> processes, Path database,
    List<Path> journals, Duration elapsed) {
  public CollectSummary {
    processes = Map.copyOf(processes);
    journals = List.copyOf(journals);
  }
}
