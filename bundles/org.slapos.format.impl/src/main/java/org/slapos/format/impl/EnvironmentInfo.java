package org.slapos.format.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slapos.slap.marshal.PyJson;

/**
 * What the original's {@code Computer.update} adds before dumping: {@code os_type},
 * {@code python_version} (here the Java runtime's version: there is no Python), {@code slapos_version}
 * (the protocol level this node implements) and {@code public_ipv4_address}, which is not looked up
 * (the original asks three outside web services; a node must not depend on them).
 */
record EnvironmentInfo(String osType, String runtimeVersion, String slaposVersion, String publicIpv4Address) {
  static final String SLAPOS_VERSION = "1.24.0";

  /** Reads {@code /etc/os-release} and the JVM's os/version properties. */
  static EnvironmentInfo ofThisMachine() {
    Map<String, String> release = new HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          String value = line.substring(eq + 1).strip();
          if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
            value = value.substring(1, value.length() - 1);
          }
          release.put(line.substring(0, eq).strip(), value);
        }
      }
    } catch (IOException e) {
      // no os-release: distro fields stay empty, as Python's distro module leaves them
    }
    String platform = System.getProperty("os.name", "") + "-" + System.getProperty("os.version", "") + "-"
        + System.getProperty("os.arch", "");
    String osType = PyJson.dumps(List.of(platform, release.getOrDefault("ID", ""),
        release.getOrDefault("VERSION_ID", ""), release.getOrDefault("NAME", "")));
    return new EnvironmentInfo(osType, System.getProperty("java.version", ""), SLAPOS_VERSION, null);
  }
}
