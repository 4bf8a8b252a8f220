package org.slapos.master.store.sqlite;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link DurabilityTest}: writes through the store, says so on stdout, then
 * waits to be killed with SIGKILL.
 */
public final class KillableWriter {
  private KillableWriter() {
  }

  public static void main(String[] args) throws Exception {
    SqliteMasterStore store = StoreFixture.open(Path.of(args[0]), StoreFixture.COMPUTER);
    store.formatComputer(StoreFixture.format(StoreFixture.COMPUTER, 3));
    store.supply(StoreFixture.COMPUTER, "http://sr//", "available");
    store.request(StoreFixture.req("http://sr//", "acknowledged").build());
    System.out.println("ACK");
    System.out.flush();
    // Wait for the parent's SIGKILL; the store is never closed.
    System.in.read();
  }
}
