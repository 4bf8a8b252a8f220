package org.slapos.promise.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleasePythonTest {
  @TempDir
  Path temporary;

  private Path partitionWithBuildout(String buildout) throws IOException {
    Path bin = Files.createDirectories(temporary.resolve("sr/bin"));
    Files.writeString(bin.resolve("buildout"), buildout);
    Path partition = Files.createDirectories(temporary.resolve("part"));
    Files.createSymbolicLink(partition.resolve("software_release"), bin.getParent());
    return partition;
  }

  @Test
  void theInterpreterOfTheShebang() throws IOException {
    assertEquals(Path.of("/opt/sr/parts/python3/bin/python3.9"),
        ReleasePython.of(partitionWithBuildout("#!/opt/sr/parts/python3/bin/python3.9 -S\nimport sys\n")));
  }

  @Test
  void theExecLineOfAShellWrapper() throws IOException {
    assertEquals(Path.of("/very/long/path/bin/python3"), ReleasePython.of(partitionWithBuildout(
        "#!/bin/sh\nexec '/very/long/path/bin/python3' \"$0\" \"$@\"\n")));
  }

  @Test
  void aWrapperWithoutExecIsAnError() throws IOException {
    Path partition = partitionWithBuildout("#!/bin/sh\necho hi\n");
    assertEquals(true, assertThrows(IOException.class, () -> ReleasePython.of(partition)).getMessage()
        .contains("without an 'exec <python>' second line"));
  }
}
