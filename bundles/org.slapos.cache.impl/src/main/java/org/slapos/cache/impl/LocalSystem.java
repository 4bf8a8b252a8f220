package org.slapos.cache.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slapos.cache.api.OsSignature;

/**
 * This machine's signature: distribution id, version and codename from {@code /etc/os-release}
 * (what the original's {@code distro} module reads) and the multiarch triplet from
 * {@code gcc -dumpmachine}, or from the JVM's architecture when gcc is missing.
 */
final class LocalSystem {
  private LocalSystem() {
  }

  static OsSignature detect() {
    Map<String, String> release = osRelease(Path.of("/etc/os-release"));
    return new OsSignature(multiarch(), release.getOrDefault("ID", ""),
        release.getOrDefault("VERSION_ID", ""), release.getOrDefault("VERSION_CODENAME", ""));
  }

  static Map<String, String> osRelease(Path file) {
    Map<String, String> values = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int equals = line.indexOf('=');
        if (equals > 0 && !line.startsWith("#")) {
          String value = line.substring(equals + 1).trim();
          if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
            value = value.substring(1, value.length() - 1);
          }
          values.put(line.substring(0, equals).trim(), value);
        }
      }
    } catch (IOException e) {
      // no os-release: the signature has an empty distribution and matches nothing but itself
    }
    return values;
  }

  private static String multiarch() {
    try {
      Process gcc = new ProcessBuilder("gcc", "-dumpmachine").redirectErrorStream(true).start();
      gcc.getOutputStream().close();
      String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (gcc.waitFor(10, TimeUnit.SECONDS) && gcc.exitValue() == 0 && !out.isEmpty()) {
        return out;
      }
      gcc.destroyForcibly();
    } catch (IOException e) {
      // no gcc: derive the triplet from the JVM
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String machine = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      case "x86", "i386", "i686" -> "i386";
      default -> arch;
    };
    return machine + "-linux-gnu";
  }
}
