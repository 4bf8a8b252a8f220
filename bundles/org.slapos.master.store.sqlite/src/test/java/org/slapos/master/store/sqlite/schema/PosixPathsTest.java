package org.slapos.master.store.sqlite.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected values are those of CPython 3.11 {@code posixpath} and {@code urllib.parse.urlsplit}. */
class PosixPathsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|.", "/|/", "//|//", "///|/", "//a//b/|//a/b", "a/./b/../../..|..", "/../a|/a",
      "/a/b/../../../c|/c", "../x/..|..", "a/b/|a/b", "./|."})
  void normpath(String path, String expected) {
    assertEquals(expected, PosixPaths.normpath(path));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/a/b/c|/a|b/c", "/a|/a/b/c|../..", "/a/x|/a/b|../x", "/a|/a|.", "/a/|/a|.", "/|/a/b|../..",
      "/a/b|/|a/b", "x/y|/tmp|x/y", "/tmp/x|.|x", "/a/b/c|/a/b/d/e|../../c", "//a/b|/a|b"})
  void relpathWithWorkingDirectoryTmp(String path, String start, String expected) {
    assertEquals(expected, PosixPaths.relpath(path, start, "/tmp"));
  }

  @Test
  void relpathOfNothingIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> PosixPaths.relpath("", "/", "/"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/a|b|/a/b", "/a/|b|/a/b", "''|b|b", "/a|/b|/b", "/a|.|/a/.", "/a|..|/a/.."})
  void join(String a, String b, String expected) {
    assertEquals(expected, PosixPaths.join(a, b));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://sr//|true", "https://x|true", "file:///x|true", "/srv/x|false", "C:/x|true",
      "a+b.c-d:x|true", "1a:b|false", ":x|false", "a_b:c|false", "''|false", "rel/x|false",
      "'  http://x'|true", "é:x|false"})
  void scheme(String url, boolean expected) {
    assertEquals(expected, PosixPaths.hasScheme(url));
  }

  @Test
  void schemeIgnoresTabsAndNewlines() {
    assertTrue(PosixPaths.hasScheme("\thttp://x"));
    assertTrue(PosixPaths.hasScheme("ht\ntp://x"));
  }

  @Test
  void isFileMeansAnExistingRegularFile(@TempDir Path dir) throws Exception {
    Path file = Files.createFile(dir.resolve("f"));
    assertTrue(PosixPaths.isFile(file.toString()));
    assertFalse(PosixPaths.isFile(dir.toString()));
    assertFalse(PosixPaths.isFile(dir.resolve("missing").toString()));
    assertFalse(PosixPaths.isFile("bad\0path"));
  }
}
