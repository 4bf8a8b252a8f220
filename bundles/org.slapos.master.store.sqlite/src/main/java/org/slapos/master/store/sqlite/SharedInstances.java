package org.slapos.master.store.sqlite;

import static org.slapos.master.store.sqlite.Tables.PARTITION;
import static org.slapos.master.store.sqlite.Tables.SLAVE;
import static org.slapos.master.store.sqlite.Tables.SLAVE_COLUMNS;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slapos.master.api.InstanceRequestSpec;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.RequestOutcome;
import org.slapos.master.api.SharedInstanceInfo;
import org.slapos.master.api.SlaveRecord;
import org.slapos.slap.marshal.InstanceXml;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.PyRepr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared instances ("slaves"): an entry in the {@code slave_instance_list} of a host partition
 * running the same software release (and type), plus a row of their own.
 */
final class SharedInstances {

  private static final Logger LOG = LoggerFactory.getLogger(SharedInstances.class);

  private final Database db;
  private final Rows rows;
  private final Clock clock;

  SharedInstances(Database db, Rows rows, Clock clock) {
    this.db = db;
    this.rows = rows;
    this.clock = clock;
  }

  /** Adds, updates or removes the shared instance on its host; runs inside the request's write. */
  RequestOutcome request(Sql sql, InstanceRequestSpec request, String requestedBy, String computer)
      throws SQLException, MasterStoreException {
    String softwareType = request.softwareType();

    StringBuilder where = new StringBuilder("WHERE software_release=? AND computer_reference=?");
    List<Object> args = new ArrayList<>(List.of(request.softwareRelease(), computer));
    if (!softwareType.isEmpty()) {
      where.append(" AND software_type=?");
      args.add(softwareType);
    }
    String instanceGuid = request.instanceGuid();
    if (instanceGuid != null) {
      where.append(" AND reference=?");
      // <computer>-<partition>; anything else is taken as a partition reference.
      args.add(instanceGuid.startsWith(computer)
          ? instanceGuid.substring(Math.min(instanceGuid.length(), computer.length() + 1))
          : instanceGuid);
    }
    where.append(" ORDER BY rowid LIMIT 1");
    Rows.Partition host = Rows.firstPartition(sql, where.toString(), args.toArray());
    if (host == null) {
      String message = "No partition corresponding to slave request: " + PyRepr.repr(args);
      LOG.warn(message);
      throw new MasterStoreException(Code.ALLOCATION_FAILURE, message);
    }

    String slaveReference = requestedBy + "_" + request.title();
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("slave_title", slaveReference);
    entry.put("slap_software_type", softwareType);
    entry.put("slave_reference", slaveReference);
    entry.putAll(request.parameters());

    List<Map<String, Object>> list = host.slaveList() == null ? null : rows.mutableSlaveList(host.slaveList());
    boolean changed = false;
    if (InstanceRequestSpec.DESTROYED.equals(request.state())) {
      if (list != null) {
        changed = list.removeIf(x -> slaveReference.equals(x.get("slave_reference")));
      }
    } else {
      if (list == null) {
        list = new ArrayList<>();
      }
      int index = -1;
      for (int i = 0; i < list.size(); i++) {
        if (slaveReference.equals(list.get(i).get("slave_reference"))) {
          index = i;
          break;
        }
      }
      if (index < 0) {
        list.add(entry);
        changed = true;
      } else if (!list.get(index).equals(entry)) {
        list.set(index, entry);
        changed = true;
      }
    }
    if (changed) {
      sql.update("UPDATE " + PARTITION + " SET slave_instance_list=?, timestamp=? WHERE reference=?"
          + " AND computer_reference=?", Marshal.dumps(list), clock.next(), host.reference(), host.computer());
      LOG.info("Shared instance {} {} on {}-{}", slaveReference,
          InstanceRequestSpec.DESTROYED.equals(request.state()) ? "removed from" : "updated", host.computer(),
          host.reference());
    }

    SlaveRecord slave = rows.slaveRow(sql, slaveReference, computer);
    if (slave == null) {
      sql.update("INSERT INTO " + SLAVE + " (reference, computer_reference, asked_by, hosted_by) VALUES (?, ?, ?, ?)",
          slaveReference, computer, requestedBy, host.reference());
      slave = rows.slaveRow(sql, slaveReference, computer);
    }
    Rows.Partition updatedHost = changed ? Rows.partitionRow(sql, host.computer(), host.reference()) : host;
    List<NetworkAddress> hostAddresses = Rows.addresses(sql, updatedHost.reference(), updatedHost.computer());
    Map<String, String> parameters = rows.parsed().instanceXml(InstanceXml.dumps(request.parameters()));
    return new RequestOutcome(rows.info(updatedHost, hostAddresses), request.state(), parameters, hostAddresses,
        slave);
  }

  /** Shared instances requested by the user (all, or the one of that title) with their hosts. */
  List<SharedInstanceInfo> roots(String titleOrNull) throws MasterStoreException {
    return db.read(sql -> {
      String query = "SELECT " + SLAVE_COLUMNS + " FROM " + SLAVE + " WHERE asked_by=''";
      List<SlaveRecord> slaves = titleOrNull == null
          ? sql.list(query + " ORDER BY rowid", rows::slave)
          : sql.list(query + " AND reference=? ORDER BY rowid", rows::slave, "_" + titleOrNull);
      List<SharedInstanceInfo> result = new ArrayList<>();
      for (SlaveRecord slave : slaves) {
        Rows.Partition host = slave.hostedBy() == null ? null
            : Rows.partitionRow(sql, slave.computerId(), slave.hostedBy());
        if (host == null || host.slaveList() == null) {
          continue;
        }
        for (Map<String, Object> entry : rows.parsed().slaveList(host.slaveList())) {
          if (slave.reference().equals(entry.get("slave_reference"))) {
            result.add(new SharedInstanceInfo(slave, rows.info(sql, host), entry));
            break;
          }
        }
      }
      return result;
    });
  }
}
