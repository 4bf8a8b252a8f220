package org.slapos.master.store.sqlite;

import static org.slapos.master.store.sqlite.Tables.NETWORK;
import static org.slapos.master.store.sqlite.Tables.PARTITION;
import static org.slapos.master.store.sqlite.Tables.PARTITION_COLUMNS;
import static org.slapos.master.store.sqlite.Tables.SLAVE;
import static org.slapos.master.store.sqlite.Tables.SLAVE_COLUMNS;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.SlaveRecord;
import org.slapos.slap.marshal.PyRepr;

/** Reading partition, shared-instance and address rows, and turning them into API values. */
final class Rows {

  /** A raw partition row. */
  record Partition(String reference, String computer, String slapState, String softwareRelease, String xml,
      String connectionXml, String slaveList, String softwareType, String title, String requestedBy,
      String requestedState, Double timestamp) {

    /** The root title of this instance's tree, or null for a free partition. */
    String rootTitle() {
      if (!requestedBy.isEmpty()) {
        return requestedBy;
      }
      return title;
    }
  }

  private final ParseCache parsed;

  Rows(ParseCache parsed) {
    this.parsed = parsed;
  }

  ParseCache parsed() {
    return parsed;
  }

  /** Maps a row selected with {@link Tables#PARTITION_COLUMNS}. */
  static Partition partition(ResultSet rs) throws SQLException {
    Object ts = rs.getObject(12);
    Double timestamp;
    if (ts == null) {
      timestamp = null;
    } else if (ts instanceof Number n) {
      timestamp = n.doubleValue();
    } else {
      try {
        timestamp = Double.valueOf(ts.toString());
      } catch (NumberFormatException e) {
        timestamp = null;
      }
    }
    String requestedBy = rs.getString(10);
    return new Partition(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), requestedBy == null ? "" : requestedBy,
        rs.getString(11), timestamp);
  }

  static List<Partition> partitions(Sql sql, String where, Object... args) throws SQLException {
    return sql.list("SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION + " " + where, Rows::partition, args);
  }

  static Partition firstPartition(Sql sql, String where, Object... args) throws SQLException {
    return sql.first("SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION + " " + where, Rows::partition, args);
  }

  static Partition partitionRow(Sql sql, String computerId, String partitionId) throws SQLException {
    return firstPartition(sql, "WHERE reference=? AND computer_reference=?", partitionId, computerId);
  }

  static Partition instanceRow(Sql sql, String title, String requestedBy) throws SQLException {
    return firstPartition(sql, "WHERE partition_reference=? AND requested_by=? ORDER BY rowid LIMIT 1", title,
        requestedBy);
  }

  /** Maps a row selected with {@link Tables#SLAVE_COLUMNS}. */
  SlaveRecord slave(ResultSet rs) throws SQLException {
    String connectionXml = rs.getString(3);
    return new SlaveRecord(rs.getString(1), rs.getString(2), rs.getString(4), rs.getString(5), connectionXml,
        parsed.instanceXml(connectionXml));
  }

  SlaveRecord slaveRow(Sql sql, String reference, String computerId) throws SQLException {
    return sql.first("SELECT " + SLAVE_COLUMNS + " FROM " + SLAVE
        + " WHERE reference=? AND computer_reference=? ORDER BY rowid LIMIT 1", this::slave, reference, computerId);
  }

  static NetworkAddress address(ResultSet rs) throws SQLException {
    return new NetworkAddress(rs.getString(1), rs.getString(2), rs.getString(3));
  }

  static List<NetworkAddress> addresses(Sql sql, String partitionReference, String computerId) throws SQLException {
    return sql.list("SELECT reference, address, netmask FROM " + NETWORK
        + " WHERE partition_reference=? AND computer_reference=? ORDER BY rowid", Rows::address, partitionReference,
        computerId);
  }

  PartitionInfo info(Partition row, List<NetworkAddress> addresses) {
    return new PartitionInfo(row.computer(), row.reference(), row.slapState(), row.softwareRelease(),
        row.softwareType(), row.title(), row.requestedBy(), row.requestedState(), row.timestamp(), row.xml(),
        parsed.instanceXml(row.xml()), row.connectionXml(), parsed.instanceXml(row.connectionXml()),
        row.slaveList() == null ? null : parsed.slaveList(row.slaveList()), addresses);
  }

  /** The partition with its addresses. */
  PartitionInfo info(Sql sql, Partition row) throws SQLException {
    return info(row, addresses(sql, row.reference(), row.computer()));
  }

  List<Map<String, Object>> mutableSlaveList(String marshalled) {
    List<Map<String, Object>> result = new ArrayList<>();
    for (Map<String, Object> entry : parsed.slaveList(marshalled)) {
      result.add(new LinkedHashMap<>(entry));
    }
    return result;
  }

  static MasterStoreException unknownPartition(String computerId, String partitionId) {
    return new MasterStoreException(Code.NOT_FOUND,
        "Unknown partition " + PyRepr.repr(partitionId) + " on " + PyRepr.repr(computerId));
  }
}
