package org.slapos.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandIndexTest {
  private final CommandIndex index = new CommandIndex(List.of(
      new CommandIndex.Entry("request", "client", "cli", "request an instance"),
      new CommandIndex.Entry("proxy", "proxy", "small", "a one-word command"),
      new CommandIndex.Entry("proxy start", "proxy", "master", "minimalist, stand-alone SlapOS Master"),
      new CommandIndex.Entry("proxy show", "proxy", "master", "display proxy instances and parameters")));

  @Test
  void theLongestWordPrefixPicksTheRuntime() {
    assertEquals("master", index.runtimeFor(List.of("proxy", "start", "slapos.cfg")));
    assertEquals("master", index.runtimeFor(List.of("proxy", "show")));
    assertEquals("small", index.runtimeFor(List.of("proxy", "stop")));
    assertEquals("cli", index.runtimeFor(List.of("request", "a", "b")));
  }

  @Test
  void wordsMatchWholeNotAsTextPrefix() {
    assertEquals("cli", index.runtimeFor(List.of("proxystart")));
    assertEquals("cli", index.runtimeFor(List.of("requests")));
  }

  @Test
  void noMatchOrNoIndexMeansTheCliRuntime() {
    assertEquals("cli", index.runtimeFor(List.of("unknown", "command")));
    assertEquals("cli", index.runtimeFor(List.of()));
    assertEquals("cli", new CommandIndex(List.of()).runtimeFor(List.of("proxy", "start")));
  }

  @Test
  void writtenSortedByNameWithACommentHeaderAndReadBack(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("commands.tsv");
    index.write(file);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertTrue(lines.get(0).startsWith("#"));
    List<String> data = lines.stream().filter(l -> !l.startsWith("#")).toList();
    assertEquals(List.of(
        "proxy\tproxy\tsmall\ta one-word command",
        "proxy show\tproxy\tmaster\tdisplay proxy instances and parameters",
        "proxy start\tproxy\tmaster\tminimalist, stand-alone SlapOS Master",
        "request\tclient\tcli\trequest an instance"), data);
    CommandIndex read = CommandIndex.read(file);
    assertEquals(4, read.entries().size());
    assertEquals("master", read.runtimeFor(List.of("proxy", "start")));
  }

  @Test
  void aMalformedLineIsReportedWithItsNumber(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("commands.tsv");
    Files.writeString(file, "# comment\nrequest\tclient\tcli\tok\nbroken line\n");
    IOException e = assertThrows(IOException.class, () -> CommandIndex.read(file));
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  void fieldsCannotHoldSeparators() {
    assertThrows(IllegalArgumentException.class, () -> new CommandIndex.Entry("a\tb", "", "cli", ""));
    assertThrows(IllegalArgumentException.class, () -> new CommandIndex.Entry("a", "", "cli", "two\nlines"));
  }
}
