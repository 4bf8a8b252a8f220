package org.slapos.standalone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Configuration files written together or not at all. {@link #commit()} first writes every file
 * to a temporary file next to its target (with its final mode), then renames them into place. A
 * failure removes the temporary files and the targets this set created, so a reader sees either
 * a whole file or none, and a failed run leaves no partly configured node behind. A target that
 * existed before is replaced by one rename: it holds its old or its new content, never a mix.
 */
final class FileSet {
  private record Entry(String content, Set<PosixFilePermission> mode) {
  }

  private final Map<Path, Entry> files = new LinkedHashMap<>();

  FileSet add(Path target, String content, String mode) {
    files.put(target, new Entry(content, PosixFilePermissions.fromString(mode)));
    return this;
  }

  void commit() throws IOException {
    Map<Path, Path> staged = new LinkedHashMap<>();
    List<Path> created = new ArrayList<>();
    try {
      for (Map.Entry<Path, Entry> file : files.entrySet()) {
        Path target = file.getKey();
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        staged.put(target, temporary);
        Files.writeString(temporary, file.getValue().content(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temporary, file.getValue().mode());
      }
      for (Map.Entry<Path, Path> file : staged.entrySet()) {
        Path target = file.getKey();
        boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        move(file.getValue(), target);
        if (!existed) {
          created.add(target);
        }
      }
    } catch (IOException | RuntimeException e) {
      for (Path temporary : staged.values()) {
        Files.deleteIfExists(temporary);
      }
      for (Path target : created) {
        Files.deleteIfExists(target);
      }
      throw e;
    }
  }

  private static void move(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so this only happens on exotic file systems: a plain replace is the best they offer.
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
