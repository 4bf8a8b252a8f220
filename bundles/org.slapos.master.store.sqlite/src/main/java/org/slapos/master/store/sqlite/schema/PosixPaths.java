package org.slapos.master.store.sqlite.schema;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Purely lexical POSIX path operations with the semantics of Python's
 * {@code posixpath} ({@code normpath}, {@code abspath}, {@code relpath},
 * {@code join}, {@code basename}) and the scheme test of
 * {@code urllib.parse.urlsplit}. Software release URLs are strings, not
 * {@link Path}s: they are compared and rebuilt as text, like slapproxy does,
 * so that results do not depend on the host's file system conventions.
 */
final class PosixPaths {

  private PosixPaths() {
  }

  static String normpath(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    int initialSlashes = path.startsWith("/") ? 1 : 0;
    // POSIX keeps exactly two leading slashes, three or more mean one
    if (path.startsWith("//") && !path.startsWith("///")) {
      initialSlashes = 2;
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (!part.equals("..") || (initialSlashes == 0 && parts.isEmpty())
          || (!parts.isEmpty() && parts.get(parts.size() - 1).equals(".."))) {
        parts.add(part);
      } else if (!parts.isEmpty()) {
        parts.remove(parts.size() - 1);
      }
    }
    String result = "/".repeat(initialSlashes) + String.join("/", parts);
    return result.isEmpty() ? "." : result;
  }

  static String abspath(String path, String cwd) {
    return normpath(path.startsWith("/") ? path : join(cwd, path));
  }

  /** {@code os.path.relpath(path, start)}, relative paths being taken from {@code cwd}. */
  static String relpath(String path, String start, String cwd) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("no path specified");
    }
    List<String> startList = components(abspath(start, cwd));
    List<String> pathList = components(abspath(path, cwd));
    int common = 0;
    while (common < startList.size() && common < pathList.size()
        && startList.get(common).equals(pathList.get(common))) {
      common++;
    }
    List<String> rel = new ArrayList<>();
    for (int i = common; i < startList.size(); i++) {
      rel.add("..");
    }
    rel.addAll(pathList.subList(common, pathList.size()));
    return rel.isEmpty() ? "." : String.join("/", rel);
  }

  /** {@code os.path.join(a, b)}: {@code b} if absolute, else {@code a} and {@code b} with one slash between. */
  static String join(String a, String b) {
    if (b.startsWith("/")) {
      return b;
    }
    if (a.isEmpty() || a.endsWith("/")) {
      return a + b;
    }
    return a + "/" + b;
  }

  static String basename(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Whether {@code urlsplit(url).scheme} is non-empty. */
  static boolean hasScheme(String url) {
    // urlsplit first strips leading C0 controls and spaces, and removes tabs and newlines
    int start = 0;
    while (start < url.length() && url.charAt(start) <= ' ') {
      start++;
    }
    String s = url.substring(start).replace("\t", "").replace("\r", "").replace("\n", "");
    int colon = s.indexOf(':');
    if (colon <= 0 || !isAsciiLetter(s.charAt(0))) {
      return false;
    }
    for (int i = 0; i < colon; i++) {
      char ch = s.charAt(i);
      if (!isAsciiLetter(ch) && !(ch >= '0' && ch <= '9') && ch != '+' && ch != '-' && ch != '.') {
        return false;
      }
    }
    return true;
  }

  /** {@code os.path.isfile}: an existing regular file, symbolic links followed. */
  static boolean isFile(String path) {
    try {
      return Files.isRegularFile(Path.of(path));
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static boolean isAsciiLetter(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
  }

  private static List<String> components(String path) {
    List<String> list = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty()) {
        list.add(part);
      }
    }
    return list;
  }
}
