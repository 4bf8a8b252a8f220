package org.slapos.buildout.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.buildout.api.BuildoutException;
import org.slapos.buildout.api.BuildoutRequest;
import org.slapos.buildout.api.BuildoutRunner;

/** The DS adapter: configuration values reach the runner and are checked on activation. */
class BuildoutRunnerComponentTest {

  /** A configuration as DS builds it: the given properties, else the OCD defaults. */
  private static BuildoutRunnerConfig config(Map<String, Object> properties) {
    return (BuildoutRunnerConfig) Proxy.newProxyInstance(BuildoutRunnerConfig.class.getClassLoader(),
        new Class<?>[] {BuildoutRunnerConfig.class}, (proxy, method, arguments) ->
            properties.containsKey(method.getName()) ? properties.get(method.getName()) : method.getDefaultValue());
  }

  @Test
  void configuredExecutableIsUsedAndItsAbsenceNamesThePid(@TempDir Path directory) throws Exception {
    Path profile = Files.writeString(directory.resolve("buildout.cfg"), "[buildout]\nparts =\n");
    Path missing = directory.resolve("elsewhere/buildout");
    BuildoutRunner runner = new BuildoutRunnerComponent(config(Map.of("buildout", missing.toString())));

    BuildoutException error = assertThrows(BuildoutException.class, () -> runner.run(BuildoutRequest.of(directory, profile)));

    assertEquals(BuildoutException.Code.EXECUTABLE, error.code());
    assertTrue(error.getMessage().contains(missing.toString()) && error.getMessage().contains(BuildoutRunner.PID),
        error.getMessage());
  }

  @Test
  void badUmaskIsRefusedOnActivation() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> new BuildoutRunnerComponent(config(Map.of("umask", "22; id"))));
    assertTrue(error.getMessage().contains("umask"), error.getMessage());
  }

  @Test
  void missingDirectoryIsAClearError(@TempDir Path directory) {
    BuildoutRunner runner = new BuildoutRunnerComponent(config(Map.of()));
    Path absent = directory.resolve("absent");

    BuildoutException error = assertThrows(BuildoutException.class,
        () -> runner.run(BuildoutRequest.of(absent, absent.resolve("buildout.cfg"))));

    assertEquals(BuildoutException.Code.DIRECTORY, error.code());
  }
}
