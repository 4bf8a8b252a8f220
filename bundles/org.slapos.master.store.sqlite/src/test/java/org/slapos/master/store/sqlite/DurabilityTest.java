package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.PartitionInfo;

/** An acknowledged write survives SIGKILL of the process that made it. */
class DurabilityTest {
  @TempDir
  Path dir;

  @Test
  void acknowledgedWritesSurviveSigkill() throws Exception {
    Path db = dir.resolve("proxy.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        KillableWriter.class.getName(), db.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.equals("ACK"));
      assertEquals("ACK", line, "the child wrote and acknowledged");
    } finally {
      child.destroyForcibly(); // SIGKILL on Unix
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    }
    try (SqliteMasterStore store = StoreFixture.open(db, StoreFixture.COMPUTER)) {
      PartitionInfo p = store.partition(StoreFixture.COMPUTER, "slappart0");
      assertEquals("acknowledged", p.title());
      assertEquals(1, store.computerInformation(StoreFixture.COMPUTER).software().size());
    }
  }
}
