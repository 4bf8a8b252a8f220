package org.slapos.master.store.sqlite.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Backup dumps written next to the database file, named like slapproxy's. */
final class Backups {

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private Backups() {
  }

  /**
   * {@code <database>-backup-<infix><isoformat>.sql} for the current local
   * time, pushed forward by microseconds while such a file already exists, so
   * that an earlier backup is never overwritten.
   */
  static Path name(Path database, String infix) {
    return name(database, infix, LocalDateTime.now());
  }

  static Path name(Path database, String infix, LocalDateTime now) {
    LocalDateTime time = now.truncatedTo(ChronoUnit.MICROS);
    while (true) {
      Path candidate = Path.of(database + "-backup-" + infix + isoformat(time) + ".sql");
      if (!Files.exists(candidate)) {
        return candidate;
      }
      time = time.plus(1, ChronoUnit.MICROS);
    }
  }

  /** Python's {@code datetime.isoformat()}: microseconds shown only when not zero. */
  static String isoformat(LocalDateTime time) {
    String text = time.format(SECONDS);
    int micros = time.getNano() / 1000;
    return micros == 0 ? text : text + String.format(Locale.ROOT, ".%06d", micros);
  }

  /** Dumps the database to {@code target}, turning an I/O failure into an {@link SQLException}. */
  static void write(Connection c, Path target) throws SQLException {
    try {
      SqlDump.write(c, target);
    } catch (IOException e) {
      throw new SQLException("Cannot write the database backup " + target + ": " + e, e);
    }
  }
}
