package org.slapos.shell.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SshShellSettingsTest {
  private static SshShellConfig config(String host, int port, String authorizedKeys, String hostKey) {
    return new SshShellConfig() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return SshShellConfig.class;
      }

      @Override
      public String host() {
        return host;
      }

      @Override
      public int port() {
        return port;
      }

      @Override
      public String authorized_keys() {
        return authorizedKeys;
      }

      @Override
      public String host_key() {
        return hostKey;
      }
    };
  }

  @Test
  void aCompleteConfigurationIsTakenAsIs() {
    SshShellSettings settings = SshShellSettings.of(config(" 127.0.0.1 ", 2222, "/etc/ssh/keys", "/etc/ssh/host_key"));
    assertEquals(new SshShellSettings("127.0.0.1", 2222, Path.of("/etc/ssh/keys"), Path.of("/etc/ssh/host_key")),
        settings);
  }

  @Test
  void missingPathsAndBadValuesAreRefusedNamingTheKey() {
    assertEquals("authorized.keys of org.slapos.shell.ssh is required", assertThrows(IllegalArgumentException.class,
        () -> SshShellSettings.of(config("127.0.0.1", 2222, null, "/k"))).getMessage());
    assertEquals("host.key of org.slapos.shell.ssh is required", assertThrows(IllegalArgumentException.class,
        () -> SshShellSettings.of(config("127.0.0.1", 2222, "/a", " "))).getMessage());
    assertEquals("port of org.slapos.shell.ssh must be between 0 and 65535, not 70000",
        assertThrows(IllegalArgumentException.class,
            () -> SshShellSettings.of(config("127.0.0.1", 70000, "/a", "/k"))).getMessage());
    assertEquals("host of org.slapos.shell.ssh must name one address or host name",
        assertThrows(IllegalArgumentException.class,
            () -> SshShellSettings.of(config("127.0.0.1,10.0.0.1", 22, "/a", "/k"))).getMessage());
  }
}
