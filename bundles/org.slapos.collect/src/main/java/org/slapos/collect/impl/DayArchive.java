package org.slapos.collect.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The raw dumps of a finished day (node-behavior §6.5 step 6): {@code var/data-log/<date>.tar.gz}
 * holding {@code <date>/dump_<table>.csv} for every table (rows as the original's csv module writes
 * them, no header). Written straight into the archive: the original's intermediate folder is removed
 * right after packing anyway.
 */
final class DayArchive {
  private static final int BLOCK = 512;

  private DayArchive() {
  }

  /** Writes {@code <logDirectory>/<date>.tar.gz} with one {@code dump_<table>.csv} per entry of {@code dumps}. */
  static Path write(Path logDirectory, String date, List<TableDump> dumps, long modifiedEpochSeconds)
      throws IOException {
    Path archive = logDirectory.resolve(date + ".tar.gz");
    Path partial = logDirectory.resolve(date + ".tar.gz.part");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(partial))) {
      writeHeader(out, date + "/", 0, '5', 0755, modifiedEpochSeconds);
      for (TableDump dump : dumps) {
        byte[] content = csv(dump.rows()).getBytes(StandardCharsets.UTF_8);
        writeHeader(out, date + "/dump_" + dump.table() + ".csv", content.length, '0', 0644, modifiedEpochSeconds);
        out.write(content);
        out.write(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
      }
      out.write(new byte[2 * BLOCK]);
    }
    Files.move(partial, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return archive;
  }

  /** A table's rows for the day. */
  record TableDump(String table, List<List<String>> rows) {
  }

  /** Python csv.writer's default dialect: comma, {@code \r\n}, quotes only where needed. */
  static String csv(List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        String value = row.get(i);
        if (value == null) {
          continue;
        }
        if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
          out.append('"').append(value.replace("\"", "\"\"")).append('"');
        } else {
          out.append(value);
        }
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  /** A POSIX ustar header: the names here are short ASCII, so no long-name extension is needed. */
  private static void writeHeader(OutputStream out, String name, long size, char type, int mode, long mtime)
      throws IOException {
    byte[] header = new byte[BLOCK];
    put(header, 0, 100, name);
    put(header, 100, 8, octal(mode, 7));
    put(header, 108, 8, octal(0, 7));
    put(header, 116, 8, octal(0, 7));
    put(header, 124, 12, octal(size, 11));
    put(header, 136, 12, octal(mtime, 11));
    java.util.Arrays.fill(header, 148, 156, (byte) ' ');
    header[156] = (byte) type;
    put(header, 257, 6, "ustar");
    put(header, 263, 2, "00");
    put(header, 265, 32, "root");
    put(header, 297, 32, "root");
    long checksum = 0;
    for (byte b : header) {
      checksum += b & 0xff;
    }
    put(header, 148, 8, octal(checksum, 6) + "\0 ");
    out.write(header);
  }

  private static String octal(long value, int digits) {
    String text = Long.toOctalString(value);
    return "0".repeat(Math.max(0, digits - text.length())) + text;
  }

  private static void put(byte[] header, int offset, int length, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, Math.min(length, bytes.length));
  }
}
