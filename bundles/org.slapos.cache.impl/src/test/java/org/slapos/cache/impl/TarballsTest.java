package org.slapos.cache.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.cache.api.CacheException;
import org.slapos.cache.api.CacheException.Code;

/** Unpacking refuses every member that could write or point outside the release directory. */
class TarballsTest {
  @TempDir
  Path root;

  private interface Members {
    void write(Tarballs.TarWriter tar) throws IOException;
  }

  private static byte[] archive(Members members) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      Tarballs.TarWriter tar = new Tarballs.TarWriter(gzip);
      members.write(tar);
      tar.finish();
    }
    return bytes.toByteArray();
  }

  private CacheException refused(Members members) throws IOException {
    byte[] data = archive(members);
    Path target = root.resolve("release");
    CacheException e = assertThrows(CacheException.class,
        () -> Tarballs.unpack(new ByteArrayInputStream(data), "release", target));
    assertFalse(Files.exists(target), "nothing appears when an archive is refused");
    try (var left = Files.list(root)) {
      assertEquals(0, left.count(), "the staging directory is removed");
    }
    return e;
  }

  private static byte[] text(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parentSegmentsAbsoluteNamesAndOtherTopDirectoriesAreRefused() throws IOException {
    assertEquals(Code.UNSAFE_ARCHIVE, refused(t -> t.bytes("release/../evil", 0644, text("x"))).code());
    assertEquals(Code.UNSAFE_ARCHIVE, refused(t -> t.bytes("/etc/evil", 0644, text("x"))).code());
    assertEquals(Code.UNSAFE_ARCHIVE, refused(t -> t.bytes("other/file", 0644, text("x"))).code());
    CacheException deep = refused(t -> t.bytes("release/a/../../../evil", 0644, text("x")));
    assertTrue(deep.getMessage().contains("leaves the archive"), deep.getMessage());
  }

  @Test
  void linksPointingOutsideAreRefused() throws IOException {
    assertEquals(Code.UNSAFE_ARCHIVE, refused(t -> t.symlink("release/passwd", "/etc/passwd")).code());
    assertEquals(Code.UNSAFE_ARCHIVE, refused(t -> t.symlink("release/up", "../..")).code());
    // "." resolves inside, but a ".." after it would climb from wherever the link leads
    assertEquals(Code.UNSAFE_ARCHIVE, refused(t -> {
      t.symlink("release/here", ".");
      t.symlink("release/escape", "here/../../x");
    }).code());
  }

  @Test
  void nothingIsWrittenThroughALink() throws IOException {
    // the link is created last, so the later file would have to replace it: refused
    CacheException e = refused(t -> {
      t.symlink("release/dir", "sub");
      t.bytes("release/dir/file", 0644, text("x"));
    });
    assertEquals(Code.UNSAFE_ARCHIVE, e.code());
  }

  @Test
  void devicesAndHardLinksToUnknownMembersAreRefused() throws IOException {
    assertEquals(Code.UNSAFE_ARCHIVE, refused(t -> t.special("release/null", '3', "")).code());
    assertEquals(Code.UNSAFE_ARCHIVE, refused(t -> t.special("release/fifo", '6', "")).code());
    assertEquals(Code.UNSAFE_ARCHIVE, refused(t -> t.special("release/h", '1', "release/missing")).code());
  }

  @Test
  void aTruncatedArchiveIsRefused() throws IOException {
    byte[] full = archive(t -> t.bytes("release/file", 0644, new byte[4096]));
    ByteArrayOutputStream cut = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(cut)) {
      byte[] raw = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(full)).readAllBytes();
      gzip.write(raw, 0, 2048);
    }
    Path target = root.resolve("release");
    CacheException e = assertThrows(CacheException.class,
        () -> Tarballs.unpack(new ByteArrayInputStream(cut.toByteArray()), "release", target));
    assertFalse(Files.exists(target));
    assertTrue(e.code() == Code.IO || e.code() == Code.UNSAFE_ARCHIVE, e.code().toString());
  }

  @Test
  void linksInsideTheReleaseHardLinksAndModesAreKept() throws Exception {
    Path target = root.resolve("release");
    String absoluteInside = target.toAbsolutePath().resolve("bin/tool").toString();
    byte[] data = archive(t -> {
      t.directory("release", 0755);
      t.bytes("release/bin/tool", 0755, text("#!/bin/sh\n"));
      t.symlink("release/tool-absolute", absoluteInside);
      t.symlink("release/lib/tool-relative", "../bin/tool");
      t.special("release/bin/tool-hard", '1', "release/bin/tool");
    });
    Tarballs.unpack(new ByteArrayInputStream(data), "release", target);
    assertTrue(Files.isExecutable(target.resolve("bin/tool")));
    assertEquals("#!/bin/sh\n", Files.readString(target.resolve("tool-absolute")));
    assertEquals("#!/bin/sh\n", Files.readString(target.resolve("lib/tool-relative")));
    assertEquals("#!/bin/sh\n", Files.readString(target.resolve("bin/tool-hard")));
  }

  @Test
  void anExistingTargetIsNeverOverwritten() throws IOException {
    byte[] data = archive(t -> t.bytes("release/file", 0644, text("x")));
    Path target = Files.createDirectory(root.resolve("release"));
    CacheException e = assertThrows(CacheException.class,
        () -> Tarballs.unpack(new ByteArrayInputStream(data), "release", target));
    assertEquals(Code.IO, e.code());
    try (var files = Files.list(target)) {
      assertEquals(0, files.count());
    }
  }
}
