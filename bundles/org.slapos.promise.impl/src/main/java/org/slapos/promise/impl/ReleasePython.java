package org.slapos.promise.impl;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the Python of the Software Release deployed in a partition, as slapgrid does: the
 * partition's {@code software_release} link leads to the release, whose {@code bin/buildout} names
 * its interpreter on the {@code #!} line, or, for a {@code #!/bin/sh} wrapper, on the following
 * {@code exec} line.
 */
final class ReleasePython {
  private ReleasePython() {
  }

  /** The interpreter, or an exception whose message says what is missing. */
  static Path of(Path partition) throws IOException {
    Path link = partition.resolve("software_release");
    if (!Files.exists(link)) {
      throw new IOException("No software_release link in " + partition + " to find the release's Python");
    }
    Path buildout = link.toRealPath().resolve("bin").resolve("buildout");
    if (!Files.isRegularFile(buildout)) {
      throw new IOException("No " + buildout + " to find the release's Python");
    }
    try (BufferedReader reader = Files.newBufferedReader(buildout, StandardCharsets.ISO_8859_1)) {
      String first = reader.readLine();
      if (first == null || !first.startsWith("#!")) {
        throw new IOException(buildout + " has no #! line naming the release's Python");
      }
      String interpreter = first.substring(2).strip().split("\\s+")[0];
      if (interpreter.equals("/bin/sh")) {
        String second = reader.readLine();
        String[] words = second == null ? new String[0] : second.strip().split("\\s+");
        if (words.length < 2 || !words[0].equals("exec")) {
          throw new IOException(buildout + " is a #!/bin/sh wrapper without an 'exec <python>' second line");
        }
        interpreter = unquote(words[1]);
      }
      return Path.of(interpreter);
    }
  }

  private static String unquote(String word) {
    if (word.length() >= 2 && (word.startsWith("'") && word.endsWith("'") || word.startsWith("\"") && word.endsWith("\""))) {
      return word.substring(1, word.length() - 1);
    }
    return word;
  }
}
