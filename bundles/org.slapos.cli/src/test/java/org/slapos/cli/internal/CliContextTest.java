package org.slapos.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliContextTest {
  @Test
  void homeIsDollarHomeAsInPythonElseTheJvmsUserHome() {
    assertEquals(Path.of("/tmp/someone"), CliContext.home(Map.of("HOME", "/tmp/someone")));
    assertEquals(Path.of(System.getProperty("user.home")), CliContext.home(Map.of()));
    assertEquals(Path.of(System.getProperty("user.home")), CliContext.home(Map.of("HOME", "")));
  }
}
