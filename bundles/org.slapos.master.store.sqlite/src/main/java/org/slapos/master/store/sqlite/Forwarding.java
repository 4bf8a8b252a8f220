package org.slapos.master.store.sqlite;

import static org.slapos.master.store.sqlite.Tables.FORWARDED;

import java.util.List;
import org.slapos.master.api.ForwardedRequest;
import org.slapos.master.api.MasterStoreException;

/** Multimaster bookkeeping: which requests were forwarded to which other master. */
final class Forwarding {

  private final Database db;

  Forwarding(Database db) {
    this.db = db;
  }

  void record(String partitionReference, String masterUrl) throws MasterStoreException {
    db.write(sql -> sql.update("INSERT OR REPLACE INTO " + FORWARDED + " (partition_reference, master_url)"
        + " VALUES (?, ?)", partitionReference, masterUrl));
  }

  void remove(String partitionReference, String masterUrl) throws MasterStoreException {
    db.write(sql -> sql.update("DELETE FROM " + FORWARDED + " WHERE partition_reference=? AND master_url=?",
        partitionReference, masterUrl));
  }

  List<ForwardedRequest> all() throws MasterStoreException {
    return db.read(sql -> sql.list("SELECT partition_reference, master_url FROM " + FORWARDED
        + " ORDER BY partition_reference, master_url", rs -> new ForwardedRequest(rs.getString(1), rs.getString(2))));
  }
}
