package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.slapos.master.store.sqlite.StoreFixture.COMPUTER;
import static org.slapos.master.store.sqlite.StoreFixture.format;
import static org.slapos.master.store.sqlite.StoreFixture.req;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreInspector.View;
import org.slapos.master.api.StoreTable;

class InspectorTest {
  @TempDir
  Path dir;

  @Test
  void readsTheViewsOfProxyShow() throws Exception {
    Path db = dir.resolve("proxy.db");
    try (SqliteMasterStore store = StoreFixture.open(dir)) {
      store.formatComputer(format(COMPUTER, 3));
      store.supply(COMPUTER, "http://sr//", "available");
      store.request(req("http://sr//", "root").param("a", "b").build());
      store.request(req("http://sr//", "front").shared().build());
      store.setConnectionParameters(COMPUTER, "slappart0", Map.of("url", "http://x/"), null);
    }
    byte[] before = Files.readAllBytes(db);
    SqliteStoreInspector inspector = new SqliteStoreInspector();

    StoreTable computers = inspector.read(db, View.COMPUTERS);
    assertEquals("computer17", computers.name());
    assertEquals(List.of("reference", "address", "netmask"), computers.columns());
    assertEquals(List.of(List.of(COMPUTER, "127.0.0.1", "255.255.255.255")), computers.rows());

    StoreTable software = inspector.read(db, View.SOFTWARE);
    assertEquals(List.of("url", "computer_reference", "requested_state", "md5"), software.columns());
    assertEquals(List.of("http://sr//", COMPUTER, "available", md5("http://sr//")), software.rows().get(0));

    StoreTable partitions = inspector.read(db, View.PARTITIONS);
    assertEquals(List.of("xml", "connection_xml", "slave_instance_list"), partitions.skippedColumns());
    assertEquals(List.of("reference", "computer_reference", "slap_state", "software_release", "software_type",
        "partition_reference", "requested_by", "requested_state", "timestamp"), partitions.columns());
    assertEquals(1, partitions.rows().size());
    assertEquals(Double.class, partitions.rows().get(0).get(8).getClass());

    StoreTable slaves = inspector.read(db, View.SLAVES);
    assertEquals(List.of("reference", "computer_reference", "hosted_by", "asked_by"), slaves.columns());
    assertEquals(List.of(Arrays.asList("_front", COMPUTER, "slappart0", "")), slaves.rows());

    StoreTable parameters = inspector.read(db, View.PARAMETERS);
    assertEquals(3, parameters.rows().size());
    assertEquals("slappart0", parameters.rows().get(0).get(0));

    StoreTable network = inspector.read(db, View.NETWORK);
    assertEquals(List.of("partition_reference", "address"), network.columns());
    assertEquals(List.of(List.of("slappart0", "1.2.3.4"), List.of("slappart0", "4.3.2.1")), network.rows());

    assertEquals(Arrays.toString(before), Arrays.toString(Files.readAllBytes(db)), "read-only");
  }

  @Test
  void aMissingDatabaseIsNotFound() {
    MasterStoreException e = assertThrows(MasterStoreException.class,
        () -> new SqliteStoreInspector().read(dir.resolve("none.db"), View.COMPUTERS));
    assertEquals(MasterStoreException.Code.NOT_FOUND, e.code());
    assertEquals(false, Files.exists(dir.resolve("none.db")));
  }

  private static String md5(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
