package org.slapos.master.store.sqlite;

import static org.slapos.master.store.sqlite.Tables.NETWORK;
import static org.slapos.master.store.sqlite.Tables.PARTITION;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slapos.master.api.InstanceRequestSpec;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.RequestOutcome;
import org.slapos.slap.marshal.InstanceXml;
import org.slapos.slap.marshal.PyRepr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instance requests: a new instance takes the first free partition of its computer, an existing one
 * is updated; shared instances go to {@link SharedInstances}. Each request is one piece of work on
 * the single writer, so two requests never take the same partition.
 */
final class Allocation {

  private static final Logger LOG = LoggerFactory.getLogger(Allocation.class);
  private static final Set<String> INSTANCE_STATES = Set.of(
      InstanceRequestSpec.STARTED, InstanceRequestSpec.STOPPED, InstanceRequestSpec.DESTROYED);

  private final Database db;
  private final Rows rows;
  private final Clock clock;
  private final SharedInstances shared;
  private final String defaultComputerId;

  Allocation(Database db, Rows rows, Clock clock, SharedInstances shared, String defaultComputerId) {
    this.db = db;
    this.rows = rows;
    this.clock = clock;
    this.shared = shared;
    this.defaultComputerId = defaultComputerId;
  }

  boolean exists(InstanceRequestSpec request) throws MasterStoreException {
    return db.read(sql -> {
      String requestedBy = requestedBy(sql, request);
      if (request.shared()) {
        return rows.slaveRow(sql, requestedBy + "_" + request.title(), targetComputer(request)) != null;
      }
      return Rows.instanceRow(sql, request.title(), requestedBy) != null;
    });
  }

  RequestOutcome request(InstanceRequestSpec request) throws MasterStoreException {
    Objects.requireNonNull(request, "request");
    if (request.state() != null && !INSTANCE_STATES.contains(request.state())) {
      throw new MasterStoreException(Code.BAD_REQUEST, "Invalid requested state " + PyRepr.repr(request.state())
          + ": expected started, stopped, destroyed or None");
    }
    String computer = targetComputer(request);
    if (!request.shared()) {
      // Most requests re-request an instance as it is (slapgrid does for every child on every run):
      // decided on a read snapshot, such a request needs no writer and no commit. Anything else is
      // decided again, atomically, by the writer.
      RequestOutcome unchanged = db.read(sql -> requestInstance(sql, request, requestedBy(sql, request), computer,
          true));
      if (unchanged != null) {
        return unchanged;
      }
    }
    return db.write(sql -> {
      String requestedBy = requestedBy(sql, request);
      return request.shared()
          ? shared.request(sql, request, requestedBy, computer)
          : requestInstance(sql, request, requestedBy, computer, false);
    });
  }

  private String targetComputer(InstanceRequestSpec request) {
    return request.computerGuid() != null ? request.computerGuid() : defaultComputerId;
  }

  /** The root title of the requester's tree; empty for the user, an unknown or a free partition. */
  private static String requestedBy(Sql sql, InstanceRequestSpec request) throws SQLException {
    if (!request.fromPartition()) {
      return "";
    }
    Rows.Partition requester = Rows.partitionRow(sql, request.requesterComputerId(), request.requesterPartitionId());
    if (requester == null) {
      return "";
    }
    if (!requester.requestedBy().isEmpty()) {
      return requester.requestedBy();
    }
    return requester.title() == null ? "" : requester.title();
  }

  /**
   * Allocates or updates the instance. With {@code readOnly}, answers only when the instance exists
   * and nothing would change, and returns null otherwise (without writing or allocating).
   */
  private RequestOutcome requestInstance(Sql sql, InstanceRequestSpec request, String requestedBy, String computer,
      boolean readOnly) throws SQLException, MasterStoreException {
    String title = request.title();
    String state = request.state();
    String softwareType = request.softwareType();
    List<String> set = new ArrayList<>();
    List<Object> args = new ArrayList<>();

    Rows.Partition row = Rows.instanceRow(sql, title, requestedBy);
    if (row == null && readOnly) {
      return null;
    }
    if (row == null) {
      row = Rows.firstPartition(sql, "WHERE slap_state='free' AND computer_reference=? ORDER BY rowid LIMIT 1",
          computer);
      if (row == null) {
        LOG.warn("No free partition on {} for {}", computer, title);
        throw new MasterStoreException(Code.ALLOCATION_FAILURE, "No free computer partition found for: " + title);
      }
      if (!title.isEmpty()) {
        set.add("partition_reference=?");
        args.add(title);
      }
      if (!requestedBy.isEmpty()) {
        set.add("requested_by=?");
        args.add(requestedBy);
      }
      if (softwareType.isEmpty()) {
        softwareType = "default";
      }
      LOG.info("Instance {} (tree {}) allocated on {}-{}", title, requestedBy.isEmpty() ? title : requestedBy,
          row.computer(), row.reference());
    } else if (!requestedBy.isEmpty()) {
      // A child follows its root when the root is not started (propagation at request time).
      Rows.Partition root = Rows.instanceRow(sql, requestedBy, "");
      if (root != null && !InstanceRequestSpec.STARTED.equals(root.requestedState())) {
        state = root.requestedState();
      }
    }
    if (!"busy".equals(row.slapState())) {
      set.add("slap_state='busy'");
    }

    String xml = InstanceXml.dumps(request.parameters());
    boolean changed = row.timestamp() == null;
    String newState = state != null ? state : row.requestedState();
    changed |= assign(set, args, "requested_state", row.requestedState(), newState);
    changed |= assign(set, args, "software_release", row.softwareRelease(), request.softwareRelease());
    changed |= assign(set, args, "software_type", row.softwareType(), softwareType);
    changed |= assign(set, args, "xml", row.xml(), xml);
    if (readOnly && (changed || !set.isEmpty())) {
      return null;
    }
    if (changed) {
      set.add("timestamp=?");
      args.add(clock.next());
    }
    Rows.Partition updated = row;
    // A re-request of an unchanged instance (slapgrid re-requests children on every run) writes
    // nothing: no commit to wait for, and caches built on the data stay valid.
    if (!set.isEmpty()) {
      args.add(row.reference());
      args.add(row.computer());
      sql.update("UPDATE " + PARTITION + " SET " + String.join(", ", set)
          + " WHERE reference=? AND computer_reference=?", args.toArray());
      updated = Rows.partitionRow(sql, row.computer(), row.reference());
    }
    PartitionInfo info = rows.info(sql, updated);
    // slapproxy reports the addresses of every partition of that name, on any computer.
    List<NetworkAddress> reported = sql.list("SELECT reference, address, netmask FROM " + NETWORK
        + " WHERE partition_reference=? ORDER BY rowid", Rows::address, updated.reference());
    return new RequestOutcome(info, state, info.parameters(), reported, null);
  }

  private static boolean assign(List<String> set, List<Object> args, String column, String current, String wanted) {
    if (Objects.equals(current, wanted)) {
      return false;
    }
    set.add(column + "=?");
    args.add(wanted);
    return true;
  }
}
