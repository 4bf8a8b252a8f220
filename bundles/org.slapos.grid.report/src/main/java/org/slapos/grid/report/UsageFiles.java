package org.slapos.grid.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The usage documents waiting in a {@code xml_report} directory. Only regular files are read: a link a
 * partition planted there would make the node (maybe root) read and send a file the partition cannot
 * read itself. Files larger than {@value #MAX_SIZE} bytes are refused.
 */
final class UsageFiles {
  /** Larger than any usage report a partition writes; protects the heap and the master. */
  static final long MAX_SIZE = 16L * 1024 * 1024;

  private UsageFiles() {
  }

  /** The regular files of {@code directory}, by name; empty when it does not exist. */
  static List<Path> list(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return files;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          files.add(entry);
        }
      }
    }
    files.sort(null);
    return files;
  }

  /** The content of a usage file. */
  static String read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_SIZE) {
      throw new IOException(file + " is too large for a usage report: " + size + " bytes (at most " + MAX_SIZE + ")");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
