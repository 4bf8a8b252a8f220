package org.slapos.grid.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The profile tail's values and the partition paths derived from master data. */
class ProfileTailTest {
  private static ProfileTail.Values values(List<String> shared, String storage) {
    return new ProfileTail.Values("COMP-1", "slappart0", "https://master/", "http://sr/software.cfg", "", "", shared,
        List.of(), "stopped", storage, "");
  }

  @Test
  void emptyPathsAndListsLeaveTheOriginalsBlankValues() throws Exception {
    String tail = ProfileTail.text(values(List.of(), ""));
    assertTrue(tail.contains("key-file = \ncert-file = \nshared-part-list =\n  \nbuild-time-part-list =\n  \n"
        + "requested-state = stopped\n"), tail);
    assertTrue(tail.contains("\nstorage-home = \n"), tail);
  }

  @Test
  void listEntriesAreStrippedAndBlankOnesDropped() throws Exception {
    String tail = ProfileTail.text(values(List.of(" /a ", "", "/b"), ""));
    assertTrue(tail.contains("shared-part-list =\n  /a\n  /b\nbuild-time-part-list"), tail);
  }

  @Test
  void aLineBreakInAnyValueIsRefusedWithTheNameOfTheValue() {
    DeployFailure list = assertThrows(DeployFailure.class,
        () -> ProfileTail.text(values(List.of("/a\n[buildout]"), "")));
    assertTrue(list.getMessage().contains("the shared_part_list contains a control character"), list.getMessage());
    DeployFailure storage = assertThrows(DeployFailure.class, () -> ProfileTail.text(values(List.of(), "/srv\rx")));
    assertTrue(storage.getMessage().contains("the instance_storage_home contains a control character: /srv?x"),
        storage.getMessage());
  }

  @Test
  void partitionIdsNameDirectChildrenOfTheInstanceRootOnly() throws Exception {
    Path root = Path.of("/srv/slapgrid");
    assertEquals(root.resolve("slappart0"), PartitionDirectory.of(root, "slappart0").path);
    for (String id : List.of("", ".", "..", "../x", "a/b", "/etc", "slap\npart")) {
      assertThrows(DeployFailure.class, () -> PartitionDirectory.of(root, id), id);
    }
  }
}
