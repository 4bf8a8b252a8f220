package org.slapos.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build-time list of every command of the distribution, whichever runtime serves it, so that
 * help and completion show them all. UTF-8, one command per line:
 * {@code name<TAB>group<TAB>runtime<TAB>summary}; lines starting with {@code #} are comments.
 */
final class CommandIndex {
  /** Framework property: the path of the index file. */
  static final String PROPERTY = "slapos.command.index";

  private static final Logger LOG = LoggerFactory.getLogger(CommandIndex.class);

  private CommandIndex() {
  }

  /** The commands listed in {@code file}; none (logged at debug) when it is missing or unreadable. */
  static List<CommandEntry> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      LOG.debug("No command index at {}: {}", file, e.toString());
      return List.of();
    }
    List<CommandEntry> entries = new ArrayList<>();
    for (int number = 1; number <= lines.size(); number++) {
      String line = lines.get(number - 1);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t", 4);
      if (fields.length < 3 || fields[0].isBlank()) {
        LOG.debug("{}:{}: not name<TAB>group<TAB>runtime<TAB>summary, ignored", file, number);
        continue;
      }
      entries.add(new CommandEntry(CommandEntry.split(fields[0]),
          fields[1].isBlank() ? CommandEntry.DEFAULT_GROUP : fields[1].strip(),
          fields.length > 3 ? fields[3].strip() : "", fields[2].strip(), null));
    }
    return entries;
  }
}
