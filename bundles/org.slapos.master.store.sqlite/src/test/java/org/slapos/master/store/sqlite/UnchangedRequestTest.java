package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slapos.master.store.sqlite.StoreFixture.COMPUTER;
import static org.slapos.master.store.sqlite.StoreFixture.format;
import static org.slapos.master.store.sqlite.StoreFixture.req;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.master.api.InstanceRequestSpec;
import org.slapos.master.api.RequestOutcome;

/** A re-request that changes nothing is answered from a read snapshot: no write, no commit. */
class UnchangedRequestTest {
  @TempDir
  Path dir;

  private SqliteMasterStore store;

  @BeforeEach
  void open() throws Exception {
    store = StoreFixture.open(dir);
    store.formatComputer(format(COMPUTER, 3));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void unchangedReRequestNeedsNoCommitAndAChangeDoes() throws Exception {
    RequestOutcome first = store.request(req("http://sr//", "a").param("p", "1").build());
    long batches = store.database().writer().batches();
    long generation = store.database().generation();

    RequestOutcome again = store.request(req("http://sr//", "a").param("p", "1").build());
    assertEquals(first.partition().reference(), again.partition().reference());
    assertEquals(first.partition().timestamp(), again.partition().timestamp());
    assertEquals(first.partition().parameters(), again.partition().parameters());
    assertEquals(batches, store.database().writer().batches(), "no write for an unchanged request");
    assertEquals(generation, store.database().generation(), "cached answers stay valid");

    RequestOutcome changed = store.request(req("http://sr//", "a").param("p", "2").build());
    assertEquals(first.partition().reference(), changed.partition().reference());
    assertEquals("2", changed.partition().parameters().get("p"));
    assertTrue(changed.partition().timestamp() > first.partition().timestamp());
    assertEquals(batches + 1, store.database().writer().batches());
  }

  @Test
  void aStoppedRootStillStopsAChildOnAnUnchangedReRequest() throws Exception {
    store.request(req("http://sr//", "root").build());
    String rootPartition = store.findInstanceByTitle("root").orElseThrow().reference();
    store.request(req("http://sr//", "child").from(rootPartition).build());
    store.request(req("http://sr//", "root").state(InstanceRequestSpec.STOPPED).build());
    RequestOutcome child = store.request(req("http://sr//", "child").from(rootPartition).build());
    assertEquals(InstanceRequestSpec.STOPPED, child.requestedState());
    assertEquals(InstanceRequestSpec.STOPPED, child.partition().requestedState());
    long batches = store.database().writer().batches();
    RequestOutcome again = store.request(req("http://sr//", "child").from(rootPartition).build());
    assertEquals(InstanceRequestSpec.STOPPED, again.requestedState());
    assertEquals(batches, store.database().writer().batches());
  }
}
