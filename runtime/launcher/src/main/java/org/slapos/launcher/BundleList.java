package org.slapos.launcher;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code runtime/target/export/<runtime>/runbundles.tsv}: the bundles of one runtime, as its
 * {@code .bndrun}'s {@code -runbundles} names them, each matched by the build to the exported jar
 * with that Bundle-SymbolicName and version. The launcher installs exactly these, in this order,
 * and nothing else that happens to lie in the directory.
 *
 * <p>Format: UTF-8, {@code symbolic-name<TAB>version<TAB>file name} per line; lines starting with
 * {@code #} are comments.
 */
record BundleList(List<Entry> entries) {
  static final String FILE_NAME = "runbundles.tsv";

  /** One resolved bundle: its identity and the jar (a file name in the runtime's directory). */
  record Entry(String symbolicName, String version, String fileName) {
    Entry {
      if (fileName.contains("/") || fileName.contains("\\") || fileName.equals("..") || fileName.isBlank()) {
        throw new IllegalArgumentException("Not a plain file name: '" + fileName + "'");
      }
    }
  }

  BundleList {
    entries = List.copyOf(entries);
  }

  /** Reads the list of the runtime whose bundles are in {@code runtimeDirectory}. */
  static BundleList read(Path runtimeDirectory) throws IOException {
    Path file = runtimeDirectory.resolve(FILE_NAME);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException("No bundle list " + file + " (the build writes it; rebuild the runtimes)", e);
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length != 3) {
        throw new IOException(file + " line " + (i + 1) + ": expected 3 tab-separated fields, found " + fields.length);
      }
      try {
        entries.add(new Entry(fields[0], fields[1], fields[2]));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    if (entries.isEmpty()) {
      throw new IOException(file + " lists no bundle");
    }
    return new BundleList(entries);
  }

  void write(Path runtimeDirectory, String source) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(runtimeDirectory.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
      out.write("# The bundles the launcher installs, in start order, resolved from " + source + " -runbundles.\n");
      out.write("# symbolic-name<TAB>version<TAB>file\n");
      for (Entry entry : entries) {
        out.write(String.join("\t", entry.symbolicName(), entry.version(), entry.fileName()));
        out.write('\n');
      }
    }
  }
}
