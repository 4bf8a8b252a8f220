package org.slapos.format.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFilesTest {
  @TempDir
  Path dir;

  @Test
  void unchangedStateIsNotRewrittenAndChangesAreArchived() throws Exception {
    Path xml = dir.resolve("slapos.xml");
    byte[] first = "<marshal>\n  <none/>\n</marshal>\n".getBytes(StandardCharsets.US_ASCII);
    byte[] second = "<marshal>\n  <int>1</int>\n</marshal>\n".getBytes(StandardCharsets.US_ASCII);
    byte[] third = "<marshal>\n  <int>2</int>\n</marshal>\n".getBytes(StandardCharsets.US_ASCII);
    assertTrue(StateFiles.writeState(xml, first, LocalDateTime.of(2026, 12, 5, 9, 1)));
    assertFalse(StateFiles.writeState(xml, first, LocalDateTime.of(2026, 12, 5, 9, 2)));
    assertFalse(Files.exists(dir.resolve("slapos.xml.zip")));
    assertTrue(StateFiles.writeState(xml, second, LocalDateTime.of(2026, 12, 5, 9, 3)));
    assertTrue(StateFiles.writeState(xml, third, LocalDateTime.of(2026, 12, 6, 23, 59)));
    assertArrayEquals(third, Files.readAllBytes(xml));
    try (ZipFile zip = new ZipFile(dir.resolve("slapos.xml.zip").toFile())) {
      List<String> names = Collections.list(zip.entries()).stream().map(e -> e.getName()).toList();
      assertEquals(List.of("slapos.xml.20261205-09:03", "slapos.xml.20261206-23:59"), names);
      assertArrayEquals(first, zip.getInputStream(zip.getEntry("slapos.xml.20261205-09:03")).readAllBytes());
      assertArrayEquals(second, zip.getInputStream(zip.getEntry("slapos.xml.20261206-23:59")).readAllBytes());
    }
  }

  @Test
  void brokenArchiveIsMovedAsideAndANewOneStarted() throws Exception {
    Path xml = dir.resolve("slapos.xml");
    byte[] first = "<marshal>\n  <none/>\n</marshal>\n".getBytes(StandardCharsets.US_ASCII);
    StateFiles.writeState(xml, first, LocalDateTime.of(2026, 12, 5, 9, 1));
    Files.writeString(dir.resolve("slapos.xml.zip"), "not a zip archive");
    byte[] second = "<marshal>\n  <int>1</int>\n</marshal>\n".getBytes(StandardCharsets.US_ASCII);
    assertTrue(StateFiles.writeState(xml, second, LocalDateTime.of(2026, 12, 5, 9, 7)));
    assertEquals("not a zip archive", Files.readString(dir.resolve("slapos.xml.zip_broken_20261205-09:07")));
    try (ZipFile zip = new ZipFile(dir.resolve("slapos.xml.zip").toFile())) {
      assertArrayEquals(first, zip.getInputStream(zip.getEntry("slapos.xml.20261205-09:07")).readAllBytes());
    }
  }
}
