package org.slapos.master.store.sqlite;

import static org.slapos.master.store.sqlite.Tables.PARTITION;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slapos.master.api.DestroyOutcome;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.PartitionInfo;
import org.slapos.slap.marshal.InstanceXml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instance trees (a root instance requested by the user and the instances requested from its
 * partitions, {@code requested_by} = root title) and what partitions report about themselves:
 * connection parameters, destruction, renaming, bangs.
 */
final class InstanceTrees {

  private static final Logger LOG = LoggerFactory.getLogger(InstanceTrees.class);
  private static final String TREE = "WHERE (partition_reference=? AND requested_by='') OR requested_by=?";

  private final Database db;
  private final Rows rows;
  private final Clock clock;

  InstanceTrees(Database db, Rows rows, Clock clock) {
    this.db = db;
    this.rows = rows;
    this.clock = clock;
  }

  PartitionInfo partition(String computerId, String partitionId) throws MasterStoreException {
    return db.read(sql -> {
      Rows.Partition row = Rows.partitionRow(sql, computerId, partitionId);
      if (row == null) {
        throw Rows.unknownPartition(computerId, partitionId);
      }
      return rows.info(sql, row);
    });
  }

  void setConnectionParameters(String computerId, String partitionId, Map<String, ?> parameters,
      String slaveReference) throws MasterStoreException {
    String xml = InstanceXml.dumps(parameters == null ? Map.of() : parameters);
    db.write(sql -> {
      if (slaveReference == null || slaveReference.isEmpty()) {
        return sql.update("UPDATE " + PARTITION + " SET connection_xml=? WHERE reference=? AND computer_reference=?",
            xml, partitionId, computerId);
      }
      return sql.update("UPDATE " + Tables.SLAVE + " SET connection_xml=?, hosted_by=? WHERE reference=?",
          xml, partitionId, slaveReference);
    });
  }

  DestroyOutcome destroyed(String computerId, String partitionId) throws MasterStoreException {
    DestroyOutcome outcome = db.write(sql -> {
      Rows.Partition row = Rows.partitionRow(sql, computerId, partitionId);
      if (row == null) {
        return new DestroyOutcome(DestroyOutcome.Status.UNKNOWN_PARTITION, List.of());
      }
      if (row.requestedBy().isEmpty() && row.title() != null) {
        List<String> children = new ArrayList<>();
        for (String child : sql.strings("SELECT partition_reference FROM " + PARTITION
            + " WHERE requested_by=? ORDER BY partition_reference", row.title())) {
          children.add(child == null ? "None" : child);
        }
        if (!children.isEmpty()) {
          sql.update("UPDATE " + PARTITION + " SET requested_state='destroyed' WHERE requested_by=?", row.title());
          return new DestroyOutcome(DestroyOutcome.Status.CHILDREN_PENDING, children);
        }
      }
      sql.update("UPDATE " + PARTITION + " SET slap_state='free', software_release=NULL, xml=NULL,"
          + " connection_xml=NULL, slave_instance_list=NULL, software_type=NULL, partition_reference=NULL,"
          + " requested_by='', requested_state='started' WHERE reference=? AND computer_reference=?",
          partitionId, computerId);
      return new DestroyOutcome(DestroyOutcome.Status.FREED, List.of());
    });
    if (outcome.status() == DestroyOutcome.Status.FREED) {
      LOG.info("Partition {}-{} is free", computerId, partitionId);
    }
    return outcome;
  }

  boolean rename(String computerId, String partitionId, String newTitle) throws MasterStoreException {
    Objects.requireNonNull(newTitle, "newTitle");
    return db.write(sql -> {
      Rows.Partition row = Rows.partitionRow(sql, computerId, partitionId);
      if (row == null) {
        return false;
      }
      if (row.requestedBy().isEmpty() && row.title() != null) {
        sql.update("UPDATE " + PARTITION + " SET requested_by=? WHERE requested_by=?", newTitle, row.title());
      }
      sql.update("UPDATE " + PARTITION + " SET partition_reference=? WHERE reference=? AND computer_reference=?",
          newTitle, partitionId, computerId);
      return true;
    });
  }

  void bang(String computerId, String partitionId) throws MasterStoreException {
    db.write(sql -> {
      Rows.Partition row = Rows.partitionRow(sql, computerId, partitionId);
      String root = row == null ? null : row.rootTitle();
      if (root == null) {
        return 0;
      }
      return sql.update("UPDATE " + PARTITION + " SET timestamp=? " + TREE, clock.next(), root, root);
    });
  }

  List<NetworkAddress> addresses(String computerId, String partitionId) throws MasterStoreException {
    return db.read(sql -> {
      Rows.Partition row = Rows.partitionRow(sql, computerId, partitionId);
      if (row == null) {
        throw Rows.unknownPartition(computerId, partitionId);
      }
      String root = row.rootTitle();
      if (root == null) {
        return Rows.addresses(sql, row.reference(), row.computer());
      }
      List<NetworkAddress> result = new ArrayList<>();
      for (Rows.Partition member : Rows.partitions(sql, TREE + " ORDER BY rowid", root, root)) {
        result.addAll(Rows.addresses(sql, member.reference(), member.computer()));
      }
      return result;
    });
  }

  /** Busy partitions requested by the user: all, or those of that title. */
  List<PartitionInfo> roots(String titleOrNull) throws MasterStoreException {
    return db.read(sql -> {
      String where = "WHERE slap_state!='free' AND requested_by=''";
      List<Rows.Partition> found = titleOrNull == null
          ? Rows.partitions(sql, where + " ORDER BY rowid")
          : Rows.partitions(sql, where + " AND partition_reference=? ORDER BY rowid", titleOrNull);
      List<PartitionInfo> result = new ArrayList<>();
      for (Rows.Partition row : found) {
        result.add(rows.info(sql, row));
      }
      return result;
    });
  }

  Optional<PartitionInfo> findByTitle(String title) throws MasterStoreException {
    return Optional.ofNullable(db.read(sql -> {
      Rows.Partition row = Rows.firstPartition(sql, "WHERE partition_reference=? ORDER BY rowid LIMIT 1", title);
      return row == null ? null : rows.info(sql, row);
    }));
  }
}
