package org.slapos.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStateTest {
  @TempDir
  Path root;

  @Test
  void partitionsShowTheirReleaseTimestampAndPromiseResultsInNaturalOrder() throws Exception {
    for (String id : List.of("slappart10", "slappart2", "slappart0")) {
      Files.createDirectories(root.resolve(id));
    }
    Files.createDirectories(root.resolve("etc"));
    Path release = Files.createDirectories(root.resolve("soft/0123abcd"));
    Files.createSymbolicLink(root.resolve("slappart2/software_release"), release);
    Files.writeString(root.resolve("slappart2/.timestamp"), "1733456789.5\n");
    Path results = Files.createDirectories(root.resolve("slappart2/.slapgrid/promise/result"));
    Files.writeString(results.resolve("check-web.status.json"), "{\"title\": \"check-web\", \"result\": {\"failed\": "
        + "false, \"date\": \"2026-12-06T04:00:00+0000\", \"message\": \"ok\"}}");
    Files.writeString(results.resolve("disk.status.json"), "{\"title\": \"disk\", \"result\": {\"failed\": true, "
        + "\"date\": \"2026-12-06T04:00:01+0000\", \"message\": \"disk full\\nmore\"}}");
    Files.writeString(results.resolve("broken.status.json"), "{not json");

    List<NodeState.Partition> partitions = NodeState.partitions(root, "slappart");
    assertEquals(List.of("slappart0", "slappart2", "slappart10"), partitions.stream().map(NodeState.Partition::id).toList());
    NodeState.Partition used = partitions.get(1);
    assertEquals(Optional.of("0123abcd"), used.softwareRelease());
    assertEquals(Optional.of("1733456789.5"), used.timestamp());
    assertEquals(3, used.promises().size());
    assertTrue(used.promises().get(0).failed(), "an unreadable result counts as failed");
    assertFalse(used.promises().get(1).failed());
    assertEquals("check-web", used.promises().get(1).title());
    assertEquals("disk full\nmore", used.promises().get(2).message());
    assertTrue(partitions.get(0).softwareRelease().isEmpty());
    assertTrue(NodeState.partitions(root.resolve("missing"), "slappart").isEmpty());
  }
}
