package org.slapos.promise.impl;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A promise's log {@code log/<title>.log} in GenericPromise's format, one line per message:
 * {@code YYYY-MM-DD HH:MM:SS - LEVEL - <epoch>-<3 digits> - message} (local time; the middle token
 * names the run), continuation lines unprefixed. Legacy and bundle promises are logged so, like the
 * original's wrapper, so that their history reads back the same way as a plugin's.
 */
final class PromiseLog {
  private static final DateTimeFormatter LINE_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final Pattern LINE = Pattern.compile(
      "^(\\d{4}-\\d{2}-\\d{2}\\s+\\d{2}:\\d{2}:\\d{2})\\s+-?\\s*(\\w{4,8})\\s+-?\\s+(\\d+-\\d{3})\\s+-?\\s*(.*)$");
  /** Only the end of a long log is read back: the last runs are all that matter. */
  private static final int TAIL_BYTES = 256 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One message of a run. */
  record Entry(String level, String message) {
    boolean isError() {
      return level.equals("ERROR") || level.equals("CRITICAL");
    }
  }

  /** One run: its messages in order. */
  record Run(String transactionId, List<Entry> entries) {
    boolean failed() {
      return entries.stream().anyMatch(Entry::isError);
    }

    /** The messages joined by new lines, as GenericPromise's result message. */
    String message() {
      StringBuilder text = new StringBuilder();
      entries.forEach(entry -> text.append('\n').append(entry.message()));
      return text.toString().strip();
    }
  }

  private PromiseLog() {
  }

  /** A fresh run id: {@code <epoch seconds>-<100..999>}, as GenericPromise makes them. */
  static String newTransactionId(Instant now) {
    return now.getEpochSecond() + "-" + (100 + RANDOM.nextInt(900));
  }

  static void append(Path file, Instant when, String level, String transactionId, String message) throws IOException {
    String line = LINE_DATE.format(when.atZone(ZoneId.systemDefault())) + " - " + level + " - " + transactionId
        + " - " + message + "\n";
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** The last {@code count} runs of the log, most recent first. */
  static List<Run> lastRuns(Path file, int count) throws IOException {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    List<Run> runs = new ArrayList<>();
    String currentId = null;
    List<Entry> current = null;
    String level = null;
    StringBuilder message = null;
    for (String line : tail(file).split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      Matcher matcher = LINE.matcher(line);
      if (!matcher.matches()) {
        if (message != null) {
          message.append('\n').append(line);
        }
        continue;
      }
      if (message != null) {
        current.add(new Entry(level, message.toString().strip()));
      }
      String id = matcher.group(3);
      if (!id.equals(currentId)) {
        current = new ArrayList<>();
        runs.add(new Run(id, current));
        currentId = id;
      }
      level = matcher.group(2);
      message = new StringBuilder(matcher.group(4));
    }
    if (message != null) {
      current.add(new Entry(level, message.toString().strip()));
    }
    List<Run> latest = new ArrayList<>();
    for (int i = runs.size() - 1; i >= 0 && latest.size() < count; i--) {
      latest.add(runs.get(i));
    }
    return latest;
  }

  private static String tail(Path file) throws IOException {
    try (RandomAccessFile input = new RandomAccessFile(file.toFile(), "r")) {
      long length = input.length();
      long start = Math.max(0, length - TAIL_BYTES);
      byte[] bytes = new byte[(int) (length - start)];
      input.seek(start);
      input.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      // A cut in the middle of a line would parse as a continuation: start after the first new line.
      return start == 0 ? text : text.substring(text.indexOf('\n') + 1);
    }
  }
}
