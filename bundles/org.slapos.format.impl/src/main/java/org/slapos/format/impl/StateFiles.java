package org.slapos.format.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatException.Code;
import org.slapos.format.api.PartitionDTO;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.PyJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files format writes: the state file (pretty-printed marshal XML) with its zip history, the
 * JSON copy and each partition's {@code .slapos-resource}. Every file is written to a temporary
 * file next to it and moved into place, so a failure never leaves half a state file.
 */
final class StateFiles {
  private static final Logger LOG = LoggerFactory.getLogger(StateFiles.class);
  private static final DateTimeFormatter BACKUP_SUFFIX = DateTimeFormatter.ofPattern(".yyyyMMdd-HH:mm");
  private static final DateTimeFormatter BROKEN_SUFFIX = DateTimeFormatter.ofPattern("_'broken'_yyyyMMdd-HH:mm");

  private StateFiles() {
  }

  /** The state file's bytes for a computer dictionary. */
  static byte[] stateBytes(Map<String, Object> computerDict) {
    return PrettyXml.prettify(Marshal.dumps(computerDict));
  }

  /**
   * Writes the state file unless its content is unchanged; the previous content goes into
   * {@code <xml>.zip} as entry {@code <basename>.YYYYMMDD-HH:MM} first.
   *
   * @return whether the file was written
   */
  static boolean writeState(Path xml, byte[] content, LocalDateTime now) throws FormatException {
    try {
      if (Files.exists(xml) && Arrays.equals(Files.readAllBytes(xml), content)) {
        LOG.debug("State file {} unchanged", xml);
        return false;
      }
      if (Files.exists(xml)) {
        Path archive = xml.resolveSibling(xml.getFileName() + ".zip");
        String entry = xml.getFileName() + now.format(BACKUP_SUFFIX);
        byte[] old = Files.readAllBytes(xml);
        try {
          appendToZip(archive, entry, old);
        } catch (ZipException e) {
          Path broken = xml.resolveSibling(xml.getFileName() + ".zip" + now.format(BROKEN_SUFFIX));
          LOG.warn("Backup archive {} is unreadable ({}); moved to {}", archive, e.getMessage(), broken);
          Files.move(archive, broken, StandardCopyOption.REPLACE_EXISTING);
          appendToZip(archive, entry, old);
        }
      }
      writeAtomically(xml, content);
      LOG.info("Computer state saved to {}", xml);
      return true;
    } catch (IOException e) {
      throw new FormatException(Code.STATE_FILE, "Cannot write state file " + xml + ": "
          + ExecSystemOperations.describe(e), e);
    }
  }

  /**
   * Adds an entry to a zip archive, keeping the existing ones. Java cannot append to a zip in
   * place, so the archive is rewritten; an older entry of the same name (two runs within a
   * minute) is replaced rather than duplicated.
   */
  static void appendToZip(Path archive, String entryName, byte[] content) throws IOException {
    List<Object[]> entries = new ArrayList<>();
    if (Files.exists(archive)) {
      try (ZipFile zip = new ZipFile(archive.toFile())) {
        Enumeration<? extends ZipEntry> all = zip.entries();
        while (all.hasMoreElements()) {
          ZipEntry e = all.nextElement();
          if (e.getName().equals(entryName)) {
            continue;
          }
          try (InputStream in = zip.getInputStream(e)) {
            entries.add(new Object[] {e, in.readAllBytes()});
          }
        }
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Object[] e : entries) {
        ZipEntry old = (ZipEntry) e[0];
        ZipEntry copy = new ZipEntry(old.getName());
        copy.setTime(old.getTime());
        out.putNextEntry(copy);
        out.write((byte[]) e[1]);
        out.closeEntry();
      }
      ZipEntry entry = new ZipEntry(entryName);
      entry.setMethod(ZipEntry.DEFLATED);
      out.putNextEntry(entry);
      out.write(content);
      out.closeEntry();
    }
    writeAtomically(archive, bytes.toByteArray());
  }

  /** {@code json.dump(d, sort_keys=True, indent=2)}; left alone when its content is unchanged. */
  static void writeJson(Path json, Map<String, Object> computerDict) throws FormatException {
    byte[] content = PyJson.dumps(computerDict, 2, true).getBytes(StandardCharsets.UTF_8);
    try {
      if (Files.exists(json) && Arrays.equals(Files.readAllBytes(json), content)) {
        return;
      }
      writeAtomically(json, content);
    } catch (IOException e) {
      throw new FormatException(Code.STATE_FILE, "Cannot write " + json + ": " + ExecSystemOperations.describe(e), e);
    }
  }

  /**
   * {@code <partition>/.slapos-resource}: the partition's dictionary as JSON (sorted keys, indent 4),
   * rewritten only when it changes, mode 0644.
   *
   * @return whether it was written
   */
  static boolean writeResource(Path partitionDirectory, PartitionDTO partition) throws FormatException {
    Path file = partitionDirectory.resolve(".slapos-resource");
    byte[] content = PyJson.dumps(ComputerDict.partitionDict(partition), 4, true).getBytes(StandardCharsets.UTF_8);
    try {
      if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), content)) {
        return false;
      }
      writeAtomically(file, content);
      Files.setPosixFilePermissions(file, ExecSystemOperations.permissions(0644));
      LOG.info("Partition resources saved to {}", file);
      return true;
    } catch (IOException e) {
      throw new FormatException(Code.FILESYSTEM, "Cannot write " + file + ": " + ExecSystemOperations.describe(e), e);
    }
  }

  static void writeAtomically(Path target, byte[] content) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Path temporary = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        out.write(content);
      }
      Files.setPosixFilePermissions(temporary, ExecSystemOperations.permissions(0644));
      try {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
