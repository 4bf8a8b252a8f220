package org.slapos.shell.ssh;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** The remote shell's configuration, checked: what {@link SshShellServer} needs to start. */
record SshShellSettings(String host, int port, Path authorizedKeys, Path hostKey) {

  SshShellSettings {
    if (host == null || host.isBlank() || host.contains(",")) {
      throw new IllegalArgumentException("host of " + SshShellConfig.PID + " must name one address or host name");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port of " + SshShellConfig.PID + " must be between 0 and 65535, not " + port);
    }
  }

  static SshShellSettings of(SshShellConfig config) {
    return new SshShellSettings(config.host() == null ? "" : config.host().trim(), config.port(),
        requiredPath("authorized.keys", config.authorized_keys()), requiredPath("host.key", config.host_key()));
  }

  private static Path requiredPath(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " of " + SshShellConfig.PID + " is required");
    }
    try {
      return Path.of(value.trim());
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(key + " of " + SshShellConfig.PID + " is not a valid path: " + value, e);
    }
  }
}
