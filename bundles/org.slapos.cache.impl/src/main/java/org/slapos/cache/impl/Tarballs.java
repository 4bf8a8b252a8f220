package org.slapos.cache.impl;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slapos.cache.api.CacheException;
import org.slapos.cache.api.CacheException.Code;

/**
 * Gzipped tar archives of a release directory, as the original's {@code tarfile} writes them
 * (members under the directory's own name). Unpacking is defensive: every member must stay under
 * that name, no member may be written through a symbolic link (links are created last, and only
 * where nothing exists), a link may only point inside the release directory, and device or FIFO
 * members are refused. The result appears complete, by one rename, or not at all.
 */
final class Tarballs {
  private static final int BLOCK = 512;

  private Tarballs() {
  }

  // ---------------------------------------------------------------- packing

  /** Writes {@code directory} as a tar.gz whose members start with {@code archiveName/}. */
  static void pack(Path directory, String archiveName, OutputStream sink) throws IOException {
    GZIPOutputStream gzip = new GZIPOutputStream(sink, 64 * 1024);
    TarWriter tar = new TarWriter(gzip);
    Files.walkFileTree(directory, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        tar.directory(memberName(directory, dir, archiveName), mode(dir, 0755));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String name = memberName(directory, file, archiveName);
        if (attrs.isSymbolicLink()) {
          tar.symlink(name, Files.readSymbolicLink(file).toString());
        } else if (attrs.isRegularFile()) {
          tar.file(name, mode(file, 0644), attrs.size(), file);
        }
        // sockets and other special files are not part of a release: skipped
        return FileVisitResult.CONTINUE;
      }
    });
    tar.finish();
    gzip.finish();
  }

  private static String memberName(Path root, Path path, String archiveName) {
    String relative = root.relativize(path).toString().replace('\\', '/');
    return relative.isEmpty() ? archiveName : archiveName + "/" + relative;
  }

  private static int mode(Path path, int fallback) throws IOException {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
      int mode = 0;
      for (PosixFilePermission permission : permissions) {
        mode |= 1 << (8 - permission.ordinal());
      }
      return mode;
    } catch (UnsupportedOperationException e) {
      return fallback;
    }
  }

  /** Writes tar members; package-private so tests can build hostile archives. */
  static final class TarWriter {
    private final OutputStream out;

    TarWriter(OutputStream out) {
      this.out = out;
    }

    void directory(String name, int mode) throws IOException {
      header(name + "/", mode, 0, '5', "");
    }

    void symlink(String name, String target) throws IOException {
      header(name, 0777, 0, '2', target);
    }

    void file(String name, int mode, long size, Path source) throws IOException {
      header(name, mode, size, '0', "");
      long copied;
      try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS)) {
        copied = in.transferTo(out);
      }
      if (copied != size) {
        throw new IOException("file changed while packing: " + source);
      }
      pad(size);
    }

    /** A regular file member from bytes. */
    void bytes(String name, int mode, byte[] data) throws IOException {
      header(name, mode, data.length, '0', "");
      out.write(data);
      pad(data.length);
    }

    /** Any member type with no data (hard links, devices...). */
    void special(String name, char type, String link) throws IOException {
      header(name, 0644, 0, type, link);
    }

    void finish() throws IOException {
      out.write(new byte[BLOCK * 2]);
    }

    private void header(String name, int mode, long size, char type, String link) throws IOException {
      byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
      byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
      if (nameBytes.length > 100 || linkBytes.length > 100) {
        // a POSIX extended header carries long names, as Python's tarfile reads them
        StringBuilder records = new StringBuilder();
        if (nameBytes.length > 100) {
          records.append(paxRecord("path", name));
        }
        if (linkBytes.length > 100) {
          records.append(paxRecord("linkpath", link));
        }
        byte[] pax = records.toString().getBytes(StandardCharsets.UTF_8);
        out.write(rawHeader("././@PaxHeader", 0644, pax.length, 'x', ""));
        out.write(pax);
        pad(pax.length);
      }
      out.write(rawHeader(truncate(name), mode, size, type, truncate(link)));
    }

    private static String truncate(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      return bytes.length <= 100 ? value : new String(bytes, 0, 100, StandardCharsets.ISO_8859_1);
    }

    private static String paxRecord(String key, String value) {
      String body = " " + key + "=" + value + "\n";
      int bodyLength = body.getBytes(StandardCharsets.UTF_8).length;
      int length = bodyLength + String.valueOf(bodyLength).length();
      if (String.valueOf(length).length() != String.valueOf(bodyLength).length()) {
        length++;
      }
      return length + body;
    }

    private static byte[] rawHeader(String name, int mode, long size, char type, String link) {
      byte[] header = new byte[BLOCK];
      put(header, 0, 100, name.getBytes(StandardCharsets.ISO_8859_1.newEncoder().canEncode(name)
          ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
      octal(header, 100, 8, mode);
      octal(header, 108, 8, 0);
      octal(header, 116, 8, 0);
      octal(header, 124, 12, size);
      octal(header, 136, 12, System.currentTimeMillis() / 1000);
      header[156] = (byte) type;
      put(header, 157, 100, link.getBytes(StandardCharsets.ISO_8859_1.newEncoder().canEncode(link)
          ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
      put(header, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
      put(header, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
      for (int i = 148; i < 156; i++) {
        header[i] = ' ';
      }
      long sum = 0;
      for (byte b : header) {
        sum += b & 0xff;
      }
      octal(header, 148, 7, sum);
      return header;
    }

    private static void put(byte[] header, int offset, int length, byte[] value) {
      System.arraycopy(value, 0, header, offset, Math.min(length, value.length));
    }

    private static void octal(byte[] header, int offset, int length, long value) {
      String text = Long.toOctalString(value);
      String padded = "0".repeat(Math.max(0, length - 1 - text.length())) + text;
      put(header, offset, length - 1, padded.getBytes(StandardCharsets.US_ASCII));
    }

    private void pad(long size) throws IOException {
      int rest = (int) (size % BLOCK);
      if (rest != 0) {
        out.write(new byte[BLOCK - rest]);
      }
    }
  }

  // -------------------------------------------------------------- unpacking

  /**
   * Unpacks a tar.gz whose members all sit under {@code archiveName/} so that they become
   * {@code target}, which must not exist.
   */
  static void unpack(InputStream gzipped, String archiveName, Path target) throws CacheException {
    Path absoluteTarget = target.toAbsolutePath().normalize();
    if (Files.exists(absoluteTarget, LinkOption.NOFOLLOW_LINKS)) {
      throw new CacheException(Code.IO, "cannot unpack: " + absoluteTarget + " already exists");
    }
    Path staging = absoluteTarget.resolveSibling("." + absoluteTarget.getFileName() + ".unpack-" + UUID.randomUUID());
    try {
      Files.createDirectories(absoluteTarget.getParent());
      Files.createDirectory(staging);
      extract(new GZIPInputStream(gzipped, 64 * 1024), archiveName, staging, absoluteTarget);
      Files.move(staging, absoluteTarget, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(staging);
      throw new CacheException(Code.IO, "cannot unpack into " + absoluteTarget + ": " + e.getMessage(), e);
    } catch (CacheException | RuntimeException e) {
      deleteQuietly(staging);
      throw e;
    }
  }

  private static void extract(InputStream in, String archiveName, Path staging, Path finalRoot)
      throws IOException, CacheException {
    Map<Path, String> links = new LinkedHashMap<>();
    Map<Path, Integer> directoryModes = new LinkedHashMap<>();
    String longName = null;
    String longLink = null;
    byte[] header = new byte[BLOCK];
    while (true) {
      if (!readBlock(in, header)) {
        throw unsafe("truncated archive (no end marker)");
      }
      if (isZero(header)) {
        break;
      }
      verifyChecksum(header);
      char type = (char) header[156];
      long size = number(header, 124, 12);
      if (size < 0) {
        throw unsafe("negative member size");
      }
      String name = longName != null ? longName : headerName(header);
      String link = longLink != null ? longLink : string(header, 157, 100);
      switch (type) {
        case 'x' -> {
          Map<String, String> pax = paxRecords(readData(in, size));
          longName = pax.get("path");
          longLink = pax.get("linkpath");
          continue;
        }
        case 'L' -> {
          longName = cString(readData(in, size));
          continue;
        }
        case 'K' -> {
          longLink = cString(readData(in, size));
          continue;
        }
        case 'g' -> {
          readData(in, size);
          continue;
        }
        default -> {
          // a real member follows
        }
      }
      longName = null;
      longLink = null;
      Path relative = memberPath(name, archiveName);
      Path destination = staging.resolve(relative.toString());
      Path finalDestination = finalRoot.resolve(relative.toString());
      int mode = (int) number(header, 100, 8) & 07777;
      switch (type) {
        case '0', '\0', '7' -> {
          ensureParent(destination, staging);
          try (OutputStream out = Files.newOutputStream(destination, StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            copyExactly(in, out, size);
          } catch (FileAlreadyExistsException e) {
            throw unsafe("member written twice: " + name);
          }
          skipPadding(in, size);
          setMode(destination, mode & 0777);
        }
        case '5' -> {
          skip(in, size);
          if (!relative.toString().isEmpty()) {
            ensureParent(destination, staging);
            if (!Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
              Files.createDirectory(destination);
            }
          }
          directoryModes.put(destination, mode & 0777);
        }
        case '2' -> {
          skip(in, size);
          checkLinkTarget(name, link, finalDestination, finalRoot);
          links.put(destination, link);
        }
        case '1' -> {
          skip(in, size);
          Path source = staging.resolve(memberPath(link, archiveName).toString());
          if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw unsafe("hard link " + name + " to something that is not an earlier file: " + link);
          }
          ensureParent(destination, staging);
          Files.copy(source, destination, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        default -> throw unsafe("member " + name + " has unsupported type '" + type + "'");
      }
    }
    for (Map.Entry<Path, String> link : links.entrySet()) {
      ensureParent(link.getKey(), staging);
      if (Files.exists(link.getKey(), LinkOption.NOFOLLOW_LINKS)) {
        throw unsafe("symbolic link over an existing member: " + staging.relativize(link.getKey()));
      }
      Files.createSymbolicLink(link.getKey(), Path.of(link.getValue()));
    }
    List<Path> directories = new ArrayList<>(directoryModes.keySet());
    for (int i = directories.size() - 1; i >= 0; i--) {
      setMode(directories.get(i), directoryModes.get(directories.get(i)) | 0700);
    }
  }

  /** The member's path below the archive's top directory; refuses anything that leaves it. */
  private static Path memberPath(String name, String archiveName) throws CacheException {
    String trimmed = name;
    while (trimmed.startsWith("./")) {
      trimmed = trimmed.substring(2);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (name.startsWith("/") || trimmed.indexOf('\0') >= 0) {
      throw unsafe("absolute member name: " + name);
    }
    List<String> parts = new ArrayList<>();
    for (String part : trimmed.split("/")) {
      if (part.equals("..")) {
        throw unsafe("member name leaves the archive: " + name);
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    if (parts.isEmpty() || !parts.get(0).equals(archiveName)) {
      throw unsafe("member " + name + " is not under " + archiveName + "/");
    }
    return Path.of("", parts.subList(1, parts.size()).toArray(String[]::new));
  }

  /**
   * A link may only point inside the release: an absolute target under its final place, or a
   * relative one whose ".." segments all come first (so no ".." is applied after following a
   * link) and that stays inside.
   */
  private static void checkLinkTarget(String name, String target, Path finalLink, Path finalRoot)
      throws CacheException {
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw unsafe("symbolic link " + name + " has an empty target");
    }
    boolean pastLeadingParents = false;
    for (String part : target.split("/")) {
      if (part.equals("..")) {
        if (pastLeadingParents || target.startsWith("/")) {
          throw unsafe("symbolic link " + name + " climbs after descending: " + target);
        }
      } else if (!part.isEmpty() && !part.equals(".")) {
        pastLeadingParents = true;
      }
    }
    Path resolved = finalLink.getParent().resolve(target).normalize();
    if (!resolved.startsWith(finalRoot)) {
      throw unsafe("symbolic link " + name + " points outside the release: " + target);
    }
  }

  /** Creates missing parent directories, refusing to go through anything but real directories. */
  private static void ensureParent(Path destination, Path staging) throws IOException, CacheException {
    Path parent = destination.getParent();
    if (!parent.startsWith(staging)) {
      throw unsafe("member outside the archive: " + destination);
    }
    Path current = staging;
    for (Path part : staging.relativize(parent)) {
      current = current.resolve(part.toString());
      if (Files.isSymbolicLink(current)) {
        throw unsafe("member below a symbolic link: " + staging.relativize(destination));
      }
      if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(current);
      } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        throw unsafe("member below a file: " + staging.relativize(destination));
      }
    }
  }

  private static void setMode(Path path, int mode) throws IOException {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission permission : PosixFilePermission.values()) {
      if ((mode & (1 << (8 - permission.ordinal()))) != 0) {
        permissions.add(permission);
      }
    }
    try {
      Files.setPosixFilePermissions(path, permissions);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: modes are not kept
    }
  }

  private static String headerName(byte[] header) {
    String name = string(header, 0, 100);
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't'
        && header[260] == 'a' && header[261] == 'r' && header[262] == 0;
    String prefix = ustar ? string(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String string(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String cString(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }

  private static long number(byte[] header, int offset, int length) throws CacheException {
    if ((header[offset] & 0x80) != 0) {
      // GNU base-256 for large values
      long value = header[offset] & 0x7f;
      for (int i = offset + 1; i < offset + length; i++) {
        if (value > (Long.MAX_VALUE >> 8)) {
          throw unsafe("member size too large");
        }
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    long value = 0;
    int i = offset;
    int end = offset + length;
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
      if (header[i] < '0' || header[i] > '7') {
        throw unsafe("malformed number in a tar header");
      }
      value = value * 8 + (header[i] - '0');
    }
    return value;
  }

  private static void verifyChecksum(byte[] header) throws CacheException {
    long stored = number(header, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    if (sum != stored) {
      throw unsafe("tar header checksum mismatch");
    }
  }

  private static Map<String, String> paxRecords(byte[] data) throws CacheException {
    Map<String, String> records = new LinkedHashMap<>();
    int at = 0;
    while (at < data.length) {
      int space = at;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(data, at, space - at, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw unsafe("malformed extended header");
      }
      if (length <= 0 || at + length > data.length || space >= at + length) {
        throw unsafe("malformed extended header");
      }
      String record = new String(data, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
      int equals = record.indexOf('=');
      if (equals > 0) {
        records.put(record.substring(0, equals), record.substring(equals + 1));
      }
      at += length;
    }
    return records;
  }

  private static byte[] readData(InputStream in, long size) throws IOException, CacheException {
    if (size > 1024 * 1024) {
      throw unsafe("extended header larger than 1 MiB");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length != size) {
      throw new EOFException("truncated archive");
    }
    skipPadding(in, size);
    return data;
  }

  private static void copyExactly(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new EOFException("truncated archive");
      }
      out.write(buffer, 0, read);
      left -= read;
    }
  }

  private static void skip(InputStream in, long size) throws IOException {
    long padded = size == 0 ? 0 : ((size + BLOCK - 1) / BLOCK) * BLOCK;
    in.skipNBytes(padded);
  }

  private static void skipPadding(InputStream in, long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      in.skipNBytes(BLOCK - rest);
    }
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    return in.readNBytes(block, 0, BLOCK) == BLOCK;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static CacheException unsafe(String message) {
    return new CacheException(Code.UNSAFE_ARCHIVE, "refused tarball: " + message);
  }

  static void deleteQuietly(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          Files.setPosixFilePermissions(dir, EnumSet.of(PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // best effort: a leftover staging directory is named as such and harmless
    }
  }
}
