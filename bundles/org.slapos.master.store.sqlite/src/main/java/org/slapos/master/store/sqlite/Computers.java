package org.slapos.master.store.sqlite;

import static org.slapos.master.store.sqlite.Tables.COMPUTER;
import static org.slapos.master.store.sqlite.Tables.NETWORK;
import static org.slapos.master.store.sqlite.Tables.PARTITION;
import static org.slapos.master.store.sqlite.Tables.SLAVE;
import static org.slapos.master.store.sqlite.Tables.SOFTWARE;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.ComputerInformation;
import org.slapos.master.api.ComputerRecord;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.SoftwareInstallation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Computers, their partitions' addresses and their software: what nodes register and poll. */
final class Computers {

  private static final Logger LOG = LoggerFactory.getLogger(Computers.class);
  /** Beyond this many computers the cache is dropped rather than grown (a proxy has a few). */
  private static final int CACHED_COMPUTERS = 1024;

  private final Database db;
  private final Rows rows;
  private final String defaultComputerId;
  /** Computer information by computer, with the database generation it was read at. */
  private final Map<String, Cached> computerInformation = new ConcurrentHashMap<>();

  private record Cached(long generation, ComputerInformation information) {
  }

  Computers(Database db, Rows rows, String defaultComputerId) {
    this.db = db;
    this.rows = rows;
    this.defaultComputerId = defaultComputerId;
  }

  void format(ComputerFormat format) throws MasterStoreException {
    Objects.requireNonNull(format, "format");
    db.write(sql -> {
      String computer = format.reference();
      sql.update("INSERT OR REPLACE INTO " + COMPUTER + " (reference, address, netmask) VALUES (?, ?, ?)",
          computer, format.address(), format.netmask());
      Set<String> kept = new HashSet<>();
      for (ComputerFormat.PartitionFormat p : format.partitions()) {
        kept.add(p.reference());
      }
      // Partitions that disappeared, with the shared instances they host.
      for (String reference : sql.strings("SELECT reference FROM " + PARTITION + " WHERE computer_reference=?",
          computer)) {
        if (reference == null || !kept.contains(reference)) {
          sql.update("DELETE FROM " + PARTITION + " WHERE computer_reference=? AND reference IS ?", computer,
              reference);
        }
      }
      record Slave(long rowid, String hostedBy) {
      }
      for (Slave slave : sql.list("SELECT rowid, hosted_by FROM " + SLAVE + " WHERE computer_reference=?",
          (ResultSet rs) -> new Slave(rs.getLong(1), rs.getString(2)), computer)) {
        // As SQL "hosted_by NOT IN (...)": a NULL host is kept, unless the list is empty.
        if (kept.isEmpty() || (slave.hostedBy() != null && !kept.contains(slave.hostedBy()))) {
          sql.update("DELETE FROM " + SLAVE + " WHERE rowid=?", slave.rowid());
        }
      }
      sql.update("DELETE FROM " + NETWORK + " WHERE computer_reference=?", computer);
      for (ComputerFormat.PartitionFormat p : format.partitions()) {
        sql.update("INSERT OR IGNORE INTO " + PARTITION + " (reference, computer_reference) VALUES (?, ?)",
            p.reference(), computer);
        for (NetworkAddress a : p.addresses()) {
          sql.update("INSERT INTO " + NETWORK + " (reference, partition_reference, computer_reference, address,"
              + " netmask) VALUES (?, ?, ?, ?, ?)", a.interfaceName(), p.reference(), computer, a.address(),
              a.netmask());
        }
      }
      return null;
    });
    LOG.info("Computer {} formatted with {} partitions", format.reference(), format.partitions().size());
  }

  /** Cached while the database generation stays the same: the same (immutable) object is returned. */
  ComputerInformation information(String computerId) throws MasterStoreException {
    Objects.requireNonNull(computerId, "computerId");
    long generation = db.generation();
    Cached cached = computerInformation.get(computerId);
    if (cached != null && cached.generation() == generation) {
      return cached.information();
    }
    ComputerInformation information = readInformation(computerId);
    if (computerInformation.size() > CACHED_COMPUTERS) {
      computerInformation.clear();
    }
    computerInformation.put(computerId, new Cached(generation, information));
    return information;
  }

  /** Reads computer information from the database, bypassing the cache. */
  ComputerInformation readInformation(String computerId) throws MasterStoreException {
    return db.read(sql -> {
      if (find(sql, computerId) == null && !computerId.equals(defaultComputerId)) {
        throw new MasterStoreException(Code.NOT_FOUND, computerId + " is not registered.");
      }
      List<SoftwareInstallation> software = sql.list("SELECT url, computer_reference, requested_state FROM "
          + SOFTWARE + " WHERE computer_reference=? ORDER BY rowid",
          rs -> new SoftwareInstallation(rs.getString(1), rs.getString(2), rs.getString(3)), computerId);
      Map<String, List<NetworkAddress>> addresses = new HashMap<>();
      record Address(String partition, NetworkAddress address) {
      }
      for (Address a : sql.list("SELECT partition_reference, reference, address, netmask FROM " + NETWORK
          + " WHERE computer_reference=? ORDER BY rowid",
          rs -> new Address(rs.getString(1), new NetworkAddress(rs.getString(2), rs.getString(3), rs.getString(4))),
          computerId)) {
        addresses.computeIfAbsent(a.partition(), k -> new ArrayList<>()).add(a.address());
      }
      List<PartitionInfo> partitions = new ArrayList<>();
      for (Rows.Partition row : Rows.partitions(sql, "WHERE computer_reference=? ORDER BY rowid", computerId)) {
        partitions.add(rows.info(row, addresses.getOrDefault(row.reference(), List.of())));
      }
      return new ComputerInformation(computerId, software, partitions);
    });
  }

  List<ComputerRecord> all() throws MasterStoreException {
    return db.read(sql -> sql.list("SELECT reference, address, netmask FROM " + COMPUTER + " ORDER BY rowid",
        Computers::record));
  }

  Optional<ComputerRecord> find(String reference) throws MasterStoreException {
    return Optional.ofNullable(db.read(sql -> find(sql, reference)));
  }

  private static ComputerRecord find(Sql sql, String reference) throws SQLException {
    return sql.first("SELECT reference, address, netmask FROM " + COMPUTER + " WHERE reference=?",
        Computers::record, reference);
  }

  private static ComputerRecord record(ResultSet rs) throws SQLException {
    return new ComputerRecord(rs.getString(1), rs.getString(2), rs.getString(3));
  }

  void supply(String computerId, String url, String state) throws MasterStoreException {
    if (!SoftwareInstallation.AVAILABLE.equals(state) && !SoftwareInstallation.DESTROYED.equals(state)) {
      throw new MasterStoreException(Code.BAD_REQUEST, "Wrong state " + state);
    }
    Objects.requireNonNull(computerId, "computerId");
    Objects.requireNonNull(url, "url");
    db.write(sql -> sql.update("INSERT OR REPLACE INTO " + SOFTWARE
        + " (url, computer_reference, requested_state) VALUES (?, ?, ?)", url, computerId, state));
    LOG.info("Software release {} supplied to {} to be {}", url, computerId, state);
  }

  void softwareReleaseDestroyed(String computerId, String url) throws MasterStoreException {
    db.write(sql -> sql.update("DELETE FROM " + SOFTWARE + " WHERE url=? AND computer_reference=?", url,
        computerId));
  }
}
