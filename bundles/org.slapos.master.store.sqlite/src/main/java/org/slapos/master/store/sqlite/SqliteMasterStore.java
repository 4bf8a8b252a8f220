package org.slapos.master.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slapos.master.api.ComputerFormat;
import org.slapos.master.api.ComputerInformation;
import org.slapos.master.api.ComputerRecord;
import org.slapos.master.api.DestroyOutcome;
import org.slapos.master.api.ForwardedRequest;
import org.slapos.master.api.InstanceRequestSpec;
import org.slapos.master.api.MasterStore;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;
import org.slapos.master.api.NetworkAddress;
import org.slapos.master.api.PartitionInfo;
import org.slapos.master.api.RequestOutcome;
import org.slapos.master.api.SharedInstanceInfo;
import org.slapos.master.api.SlaveRecord;
import org.slapos.master.api.SoftwareInstallation;
import org.slapos.master.store.sqlite.schema.SchemaUpgrader;
import org.slapos.master.store.sqlite.schema.SoftwareReleaseRootRebaser;
import org.slapos.slap.marshal.InstanceXml;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.PyRepr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MasterStore} on the slapproxy SQLite database (schema version 17), so that a database
 * written by the Python slapproxy can be used as is, and the other way round.
 *
 * <p>Semantics follow slapproxy 1.24 (slap-protocol §3), with these differences: each operation is
 * one transaction on a single writer (allocations are atomic), timestamps issued by one store are
 * strictly increasing, and destroying a shared instance on a host that never had any is a no-op.
 */
@Component(
    service = MasterStore.class,
    configurationPid = MasterStore.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true)
@Designate(ocd = StoreConfig.class)
public final class SqliteMasterStore implements MasterStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteMasterStore.class);

  static final String PARTITION = "partition17";
  static final String SOFTWARE = "software17";
  static final String COMPUTER = "computer17";
  static final String SLAVE = "slave17";
  static final String NETWORK = "partition_network17";
  static final String FORWARDED = "forwarded_partition_request17";

  private static final String PARTITION_COLUMNS = "reference, computer_reference, slap_state, software_release,"
      + " xml, connection_xml, slave_instance_list, software_type, partition_reference, requested_by,"
      + " requested_state, timestamp";
  private static final String SLAVE_COLUMNS = "reference, computer_reference, connection_xml, hosted_by, asked_by";

  private static final Set<String> INSTANCE_STATES = Set.of(
      InstanceRequestSpec.STARTED, InstanceRequestSpec.STOPPED, InstanceRequestSpec.DESTROYED);

  /**
   * Settings of one store, from {@link StoreConfig} or given directly (tests, tools).
   *
   * @param database the SQLite file
   * @param computerId the default computer
   * @param localSoftwareReleaseRoot root of local software release paths ({@code /} by default)
   * @param readerPoolSize number of read-only connections
   * @param busyTimeoutMs how long to wait for another process's lock
   */
  public record Settings(Path database, String computerId, String localSoftwareReleaseRoot, int readerPoolSize,
      int busyTimeoutMs) {
  }

  private final Settings settings;
  private final Database db;
  private final ParseCache parsed = new ParseCache(4096);
  /** Computer information by computer, with the database generation it was read at. */
  private final Map<String, Cached> computerInformation = new java.util.concurrent.ConcurrentHashMap<>();

  private record Cached(long generation, ComputerInformation information) {
  }
  /** Guarded by the database write lock: every timestamp is issued inside a write. */
  private double lastTimestamp;

  @Activate
  public SqliteMasterStore(StoreConfig config) throws MasterStoreException {
    this(settings(config));
  }

  /** A store outside of OSGi (tests, tools); {@link #close()} it when done. */
  public static SqliteMasterStore open(Settings settings) throws MasterStoreException {
    return new SqliteMasterStore(settings);
  }

  private SqliteMasterStore(Settings settings) throws MasterStoreException {
    this.settings = settings;
    Path file = settings.database();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new MasterStoreException(Code.STORAGE, "Cannot open database " + file + ": directory "
          + parent + " does not exist");
    }
    try {
      this.db = new Database(file, settings.readerPoolSize(), settings.busyTimeoutMs());
    } catch (SQLException e) {
      throw new MasterStoreException(Code.STORAGE, "Cannot open database " + file + ": " + e.getMessage(), e);
    }
    try {
      Connection c = db.writerForSetup();
      new SchemaUpgrader(file, settings.computerId()).upgradeIfNeeded(c);
      new SoftwareReleaseRootRebaser(file).rebaseIfNeeded(c, settings.localSoftwareReleaseRoot());
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw new MasterStoreException(Code.STORAGE, "Cannot prepare database " + file + ": " + e.getMessage(), e);
    }
    LOG.info("Master store ready on {} (default computer {})", file, settings.computerId());
  }

  private static Settings settings(StoreConfig config) throws MasterStoreException {
    String uri = config.database_uri();
    if (uri == null || uri.isBlank()) {
      throw new MasterStoreException(Code.BAD_REQUEST, MasterStore.PID + ": " + CONFIG_DATABASE_URI + " is required");
    }
    String computerId = config.computer_id();
    if (computerId == null || computerId.isBlank()) {
      throw new MasterStoreException(Code.BAD_REQUEST, MasterStore.PID + ": " + CONFIG_COMPUTER_ID + " is empty");
    }
    String root = config.local_software_release_root();
    if (root == null || root.isBlank()) {
      root = "/";
    }
    return new Settings(Paths.get(uri), computerId, root, config.reader_pool_size(), config.busy_timeout_ms());
  }

  @Deactivate
  @Override
  public void close() {
    db.close();
    LOG.debug("Master store on {} closed", settings.database());
  }

  @Override
  public String defaultComputerId() {
    return settings.computerId();
  }

  // ------------------------------------------------------------------------------------------------
  // computers and software

  @Override
  public void formatComputer(ComputerFormat format) throws MasterStoreException {
    Objects.requireNonNull(format, "format");
    db.write(c -> {
      String computer = format.reference();
      update(c, "INSERT OR REPLACE INTO " + COMPUTER + " (reference, address, netmask) VALUES (?, ?, ?)",
          computer, format.address(), format.netmask());
      Set<String> kept = new HashSet<>();
      for (ComputerFormat.PartitionFormat p : format.partitions()) {
        kept.add(p.reference());
      }
      // Partitions that disappeared, with the shared instances they host.
      for (String reference : strings(c, "SELECT reference FROM " + PARTITION + " WHERE computer_reference=?", computer)) {
        if (reference == null || !kept.contains(reference)) {
          update(c, "DELETE FROM " + PARTITION + " WHERE computer_reference=? AND reference IS ?", computer, reference);
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "SELECT rowid, hosted_by FROM " + SLAVE + " WHERE computer_reference=?")) {
        s.setString(1, computer);
        List<Long> gone = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            String hostedBy = rs.getString(2);
            // As SQL "hosted_by NOT IN (...)": a NULL host is kept, unless the list is empty.
            if (kept.isEmpty() || (hostedBy != null && !kept.contains(hostedBy))) {
              gone.add(rs.getLong(1));
            }
          }
        }
        for (Long rowid : gone) {
          update(c, "DELETE FROM " + SLAVE + " WHERE rowid=?", rowid);
        }
      }
      update(c, "DELETE FROM " + NETWORK + " WHERE computer_reference=?", computer);
      try (PreparedStatement partition = c.prepareStatement(
              "INSERT OR IGNORE INTO " + PARTITION + " (reference, computer_reference) VALUES (?, ?)");
          PreparedStatement network = c.prepareStatement("INSERT INTO " + NETWORK
              + " (reference, partition_reference, computer_reference, address, netmask) VALUES (?, ?, ?, ?, ?)")) {
        for (ComputerFormat.PartitionFormat p : format.partitions()) {
          partition.setString(1, p.reference());
          partition.setString(2, computer);
          partition.executeUpdate();
          for (NetworkAddress a : p.addresses()) {
            network.setString(1, a.interfaceName());
            network.setString(2, p.reference());
            network.setString(3, computer);
            network.setString(4, a.address());
            network.setString(5, a.netmask());
            network.executeUpdate();
          }
        }
      }
      return null;
    });
    LOG.info("Computer {} formatted with {} partitions", format.reference(), format.partitions().size());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Nodes poll this; while nothing changes, the same (immutable) object is returned without
   * touching the database, so callers may cache what they derive from it by identity.
   */
  @Override
  public ComputerInformation computerInformation(String computerId) throws MasterStoreException {
    Objects.requireNonNull(computerId, "computerId");
    long generation = db.generation();
    Cached cached = computerInformation.get(computerId);
    if (cached != null && cached.generation() == generation) {
      return cached.information();
    }
    ComputerInformation information = readComputerInformation(computerId);
    if (computerInformation.size() > 1024) {
      computerInformation.clear();
    }
    computerInformation.put(computerId, new Cached(generation, information));
    return information;
  }

  /** Reads computer information from the database, bypassing the cache. */
  ComputerInformation readComputerInformation(String computerId) throws MasterStoreException {
    return db.read(c -> {
      if (findComputer(c, computerId) == null && !computerId.equals(settings.computerId())) {
        throw new MasterStoreException(Code.NOT_FOUND, computerId + " is not registered.");
      }
      List<SoftwareInstallation> software = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT url, computer_reference, requested_state FROM "
          + SOFTWARE + " WHERE computer_reference=? ORDER BY rowid")) {
        s.setString(1, computerId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            software.add(new SoftwareInstallation(rs.getString(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
      Map<String, List<NetworkAddress>> addresses = new HashMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT partition_reference, reference, address, netmask FROM "
          + NETWORK + " WHERE computer_reference=? ORDER BY rowid")) {
        s.setString(1, computerId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            addresses.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                .add(new NetworkAddress(rs.getString(2), rs.getString(3), rs.getString(4)));
          }
        }
      }
      List<PartitionInfo> partitions = new ArrayList<>();
      for (Row row : rows(c, "SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION
          + " WHERE computer_reference=? ORDER BY rowid", computerId)) {
        partitions.add(info(row, addresses.getOrDefault(row.reference(), List.of())));
      }
      return new ComputerInformation(computerId, software, partitions);
    });
  }

  @Override
  public List<ComputerRecord> computers() throws MasterStoreException {
    return db.read(c -> {
      List<ComputerRecord> result = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT reference, address, netmask FROM " + COMPUTER + " ORDER BY rowid");
          ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.add(new ComputerRecord(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
      return result;
    });
  }

  @Override
  public Optional<ComputerRecord> findComputer(String reference) throws MasterStoreException {
    return Optional.ofNullable(db.read(c -> findComputer(c, reference)));
  }

  private static ComputerRecord findComputer(Connection c, String reference) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT reference, address, netmask FROM " + COMPUTER + " WHERE reference=?")) {
      s.setString(1, reference);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new ComputerRecord(rs.getString(1), rs.getString(2), rs.getString(3)) : null;
      }
    }
  }

  @Override
  public void supply(String computerId, String url, String state) throws MasterStoreException {
    if (!SoftwareInstallation.AVAILABLE.equals(state) && !SoftwareInstallation.DESTROYED.equals(state)) {
      throw new MasterStoreException(Code.BAD_REQUEST, "Wrong state " + state);
    }
    Objects.requireNonNull(computerId, "computerId");
    Objects.requireNonNull(url, "url");
    db.write(c -> update(c, "INSERT OR REPLACE INTO " + SOFTWARE
        + " (url, computer_reference, requested_state) VALUES (?, ?, ?)", url, computerId, state));
    LOG.info("Software release {} supplied to {} to be {}", url, computerId, state);
  }

  @Override
  public void softwareReleaseDestroyed(String computerId, String url) throws MasterStoreException {
    db.write(c -> update(c, "DELETE FROM " + SOFTWARE + " WHERE url=? AND computer_reference=?", url, computerId));
  }

  // ------------------------------------------------------------------------------------------------
  // partitions and instances

  @Override
  public PartitionInfo partition(String computerId, String partitionId) throws MasterStoreException {
    return db.read(c -> {
      Row row = partitionRow(c, computerId, partitionId);
      if (row == null) {
        throw unknownPartition(computerId, partitionId);
      }
      return info(row, addresses(c, row.reference(), row.computer()));
    });
  }

  private static MasterStoreException unknownPartition(String computerId, String partitionId) {
    return new MasterStoreException(Code.NOT_FOUND,
        "Unknown partition " + PyRepr.repr(partitionId) + " on " + PyRepr.repr(computerId));
  }

  @Override
  public boolean instanceExists(InstanceRequestSpec request) throws MasterStoreException {
    return db.read(c -> {
      String requestedBy = requestedBy(c, request);
      if (request.shared()) {
        return slaveRow(c, requestedBy + "_" + request.title(), targetComputer(request)) != null;
      }
      return instanceRow(c, request.title(), requestedBy) != null;
    });
  }

  @Override
  public RequestOutcome request(InstanceRequestSpec request) throws MasterStoreException {
    Objects.requireNonNull(request, "request");
    if (request.state() != null && !INSTANCE_STATES.contains(request.state())) {
      throw new MasterStoreException(Code.BAD_REQUEST, "Invalid requested state " + PyRepr.repr(request.state())
          + ": expected started, stopped, destroyed or None");
    }
    return db.write(c -> request.shared() ? requestShared(c, request) : requestInstance(c, request));
  }

  private String targetComputer(InstanceRequestSpec request) {
    return request.computerGuid() != null ? request.computerGuid() : settings.computerId();
  }

  /** The root title of the requester's tree; empty for the user, an unknown or a free partition. */
  private static String requestedBy(Connection c, InstanceRequestSpec request) throws SQLException {
    if (!request.fromPartition()) {
      return "";
    }
    Row requester = partitionRow(c, request.requesterComputerId(), request.requesterPartitionId());
    if (requester == null) {
      return "";
    }
    if (!requester.requestedBy().isEmpty()) {
      return requester.requestedBy();
    }
    return requester.title() == null ? "" : requester.title();
  }

  private RequestOutcome requestInstance(Connection c, InstanceRequestSpec request)
      throws SQLException, MasterStoreException {
    String requestedBy = requestedBy(c, request);
    String title = request.title();
    String state = request.state();
    String softwareType = request.softwareType();
    List<String> set = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    set.add("slap_state='busy'");

    Row row = instanceRow(c, title, requestedBy);
    if (row == null) {
      String computer = targetComputer(request);
      row = first(rows(c, "SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION
          + " WHERE slap_state='free' AND computer_reference=? ORDER BY rowid LIMIT 1", computer));
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
      Row root = instanceRow(c, requestedBy, "");
      if (root != null && !InstanceRequestSpec.STARTED.equals(root.requestedState())) {
        state = root.requestedState();
      }
    }

    String xml = InstanceXml.dumps(request.parameters());
    boolean changed = row.timestamp() == null;
    String newState = state != null ? state : row.requestedState();
    changed |= assign(set, args, "requested_state", row.requestedState(), newState);
    changed |= assign(set, args, "software_release", row.softwareRelease(), request.softwareRelease());
    changed |= assign(set, args, "software_type", row.softwareType(), softwareType);
    changed |= assign(set, args, "xml", row.xml(), xml);
    if (changed) {
      set.add("timestamp=?");
      args.add(nextTimestamp());
    }
    args.add(row.reference());
    args.add(row.computer());
    update(c, "UPDATE " + PARTITION + " SET " + String.join(", ", set)
        + " WHERE reference=? AND computer_reference=?", args.toArray());

    Row updated = partitionRow(c, row.computer(), row.reference());
    PartitionInfo info = info(updated, addresses(c, updated.reference(), updated.computer()));
    // slapproxy reports the addresses of every partition of that name, on any computer.
    List<NetworkAddress> reported = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT reference, address, netmask FROM " + NETWORK
        + " WHERE partition_reference=? ORDER BY rowid")) {
      s.setString(1, updated.reference());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reported.add(new NetworkAddress(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
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

  private RequestOutcome requestShared(Connection c, InstanceRequestSpec request)
      throws SQLException, MasterStoreException {
    String requestedBy = requestedBy(c, request);
    String computer = targetComputer(request);
    String softwareType = request.softwareType();

    StringBuilder query = new StringBuilder("SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION
        + " WHERE software_release=? AND computer_reference=?");
    List<Object> args = new ArrayList<>(List.of(request.softwareRelease(), computer));
    if (!softwareType.isEmpty()) {
      query.append(" AND software_type=?");
      args.add(softwareType);
    }
    String instanceGuid = request.instanceGuid();
    if (instanceGuid != null) {
      query.append(" AND reference=?");
      // <computer>-<partition>; anything else is taken as a partition reference.
      args.add(instanceGuid.startsWith(computer)
          ? instanceGuid.substring(Math.min(instanceGuid.length(), computer.length() + 1))
          : instanceGuid);
    }
    query.append(" ORDER BY rowid LIMIT 1");
    Row host = first(rows(c, query.toString(), args.toArray()));
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

    List<Map<String, Object>> list = host.slaveList() == null ? null : mutableSlaveList(host.slaveList());
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
      update(c, "UPDATE " + PARTITION + " SET slave_instance_list=?, timestamp=? WHERE reference=? AND computer_reference=?",
          Marshal.dumps(list), nextTimestamp(), host.reference(), host.computer());
      LOG.info("Shared instance {} {} on {}-{}", slaveReference,
          InstanceRequestSpec.DESTROYED.equals(request.state()) ? "removed from" : "updated", host.computer(),
          host.reference());
    }

    SlaveRecord slave = slaveRow(c, slaveReference, computer);
    if (slave == null) {
      update(c, "INSERT INTO " + SLAVE + " (reference, computer_reference, asked_by, hosted_by) VALUES (?, ?, ?, ?)",
          slaveReference, computer, requestedBy, host.reference());
      slave = slaveRow(c, slaveReference, computer);
    }
    Row updatedHost = partitionRow(c, host.computer(), host.reference());
    List<NetworkAddress> hostAddresses = addresses(c, updatedHost.reference(), updatedHost.computer());
    Map<String, String> parameters = parsed.instanceXml(InstanceXml.dumps(request.parameters()));
    return new RequestOutcome(info(updatedHost, hostAddresses), request.state(), parameters, hostAddresses, slave);
  }

  @Override
  public void setConnectionParameters(String computerId, String partitionId, Map<String, ?> parameters,
      String slaveReference) throws MasterStoreException {
    String xml = InstanceXml.dumps(parameters == null ? Map.of() : parameters);
    db.write(c -> {
      if (slaveReference == null || slaveReference.isEmpty()) {
        return update(c, "UPDATE " + PARTITION + " SET connection_xml=? WHERE reference=? AND computer_reference=?",
            xml, partitionId, computerId);
      }
      return update(c, "UPDATE " + SLAVE + " SET connection_xml=?, hosted_by=? WHERE reference=?",
          xml, partitionId, slaveReference);
    });
  }

  @Override
  public DestroyOutcome partitionDestroyed(String computerId, String partitionId) throws MasterStoreException {
    DestroyOutcome outcome = db.write(c -> {
      Row row = partitionRow(c, computerId, partitionId);
      if (row == null) {
        return new DestroyOutcome(DestroyOutcome.Status.UNKNOWN_PARTITION, List.of());
      }
      if (row.requestedBy().isEmpty() && row.title() != null) {
        List<String> children = new ArrayList<>();
        for (String child : strings(c, "SELECT partition_reference FROM " + PARTITION
            + " WHERE requested_by=? ORDER BY partition_reference", row.title())) {
          children.add(child == null ? "None" : child);
        }
        if (!children.isEmpty()) {
          update(c, "UPDATE " + PARTITION + " SET requested_state='destroyed' WHERE requested_by=?", row.title());
          return new DestroyOutcome(DestroyOutcome.Status.CHILDREN_PENDING, children);
        }
      }
      update(c, "UPDATE " + PARTITION + " SET slap_state='free', software_release=NULL, xml=NULL,"
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

  @Override
  public boolean rename(String computerId, String partitionId, String newTitle) throws MasterStoreException {
    Objects.requireNonNull(newTitle, "newTitle");
    return db.write(c -> {
      Row row = partitionRow(c, computerId, partitionId);
      if (row == null) {
        return false;
      }
      if (row.requestedBy().isEmpty() && row.title() != null) {
        update(c, "UPDATE " + PARTITION + " SET requested_by=? WHERE requested_by=?", newTitle, row.title());
      }
      update(c, "UPDATE " + PARTITION + " SET partition_reference=? WHERE reference=? AND computer_reference=?",
          newTitle, partitionId, computerId);
      return true;
    });
  }

  @Override
  public void bang(String computerId, String partitionId) throws MasterStoreException {
    db.write(c -> {
      Row row = partitionRow(c, computerId, partitionId);
      String root = row == null ? null : row.rootTitle();
      if (root == null) {
        return 0;
      }
      return update(c, "UPDATE " + PARTITION + " SET timestamp=?"
          + " WHERE (partition_reference=? AND requested_by='') OR requested_by=?", nextTimestamp(), root, root);
    });
  }

  @Override
  public List<NetworkAddress> instanceTreeAddresses(String computerId, String partitionId)
      throws MasterStoreException {
    return db.read(c -> {
      Row row = partitionRow(c, computerId, partitionId);
      if (row == null) {
        throw unknownPartition(computerId, partitionId);
      }
      String root = row.rootTitle();
      if (root == null) {
        return addresses(c, row.reference(), row.computer());
      }
      List<NetworkAddress> result = new ArrayList<>();
      for (Row member : rows(c, "SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION
          + " WHERE (partition_reference=? AND requested_by='') OR requested_by=? ORDER BY rowid", root, root)) {
        result.addAll(addresses(c, member.reference(), member.computer()));
      }
      return result;
    });
  }

  // ------------------------------------------------------------------------------------------------
  // instance trees

  @Override
  public List<PartitionInfo> rootPartitions(String titleOrNull) throws MasterStoreException {
    return db.read(c -> {
      String query = "SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION + " WHERE slap_state!='free' AND requested_by=''";
      List<Row> found = titleOrNull == null
          ? rows(c, query + " ORDER BY rowid")
          : rows(c, query + " AND partition_reference=? ORDER BY rowid", titleOrNull);
      List<PartitionInfo> result = new ArrayList<>();
      for (Row row : found) {
        result.add(info(row, addresses(c, row.reference(), row.computer())));
      }
      return result;
    });
  }

  @Override
  public List<SharedInstanceInfo> rootSharedInstances(String titleOrNull) throws MasterStoreException {
    return db.read(c -> {
      List<SlaveRecord> slaves = new ArrayList<>();
      String query = "SELECT " + SLAVE_COLUMNS + " FROM " + SLAVE + " WHERE asked_by=''";
      try (PreparedStatement s = c.prepareStatement(titleOrNull == null
          ? query + " ORDER BY rowid" : query + " AND reference=? ORDER BY rowid")) {
        if (titleOrNull != null) {
          s.setString(1, "_" + titleOrNull);
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            slaves.add(slave(rs));
          }
        }
      }
      List<SharedInstanceInfo> result = new ArrayList<>();
      for (SlaveRecord slave : slaves) {
        Row host = slave.hostedBy() == null ? null : partitionRow(c, slave.computerId(), slave.hostedBy());
        if (host == null || host.slaveList() == null) {
          continue;
        }
        for (Map<String, Object> entry : parsed.slaveList(host.slaveList())) {
          if (slave.reference().equals(entry.get("slave_reference"))) {
            result.add(new SharedInstanceInfo(slave, info(host, addresses(c, host.reference(), host.computer())),
                entry));
            break;
          }
        }
      }
      return result;
    });
  }

  @Override
  public Optional<PartitionInfo> findInstanceByTitle(String title) throws MasterStoreException {
    return Optional.ofNullable(db.read(c -> {
      Row row = first(rows(c, "SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION
          + " WHERE partition_reference=? ORDER BY rowid LIMIT 1", title));
      return row == null ? null : info(row, addresses(c, row.reference(), row.computer()));
    }));
  }

  // ------------------------------------------------------------------------------------------------
  // multimaster

  @Override
  public void recordForwardedRequest(String partitionReference, String masterUrl) throws MasterStoreException {
    db.write(c -> update(c, "INSERT OR REPLACE INTO " + FORWARDED + " (partition_reference, master_url) VALUES (?, ?)",
        partitionReference, masterUrl));
  }

  @Override
  public void removeForwardedRequest(String partitionReference, String masterUrl) throws MasterStoreException {
    db.write(c -> update(c, "DELETE FROM " + FORWARDED + " WHERE partition_reference=? AND master_url=?",
        partitionReference, masterUrl));
  }

  @Override
  public List<ForwardedRequest> forwardedRequests() throws MasterStoreException {
    return db.read(c -> {
      List<ForwardedRequest> result = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT partition_reference, master_url FROM " + FORWARDED + " ORDER BY partition_reference, master_url");
          ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.add(new ForwardedRequest(rs.getString(1), rs.getString(2)));
        }
      }
      return result;
    });
  }

  // ------------------------------------------------------------------------------------------------
  // rows

  /** A raw partition row. */
  record Row(String reference, String computer, String slapState, String softwareRelease, String xml,
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

  private static Row row(ResultSet rs) throws SQLException {
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
    return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), requestedBy == null ? "" : requestedBy,
        rs.getString(11), timestamp);
  }

  private static List<Row> rows(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      List<Row> result = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.add(row(rs));
        }
      }
      return result;
    }
  }

  private static <T> T first(List<T> list) {
    return list.isEmpty() ? null : list.get(0);
  }

  private static Row partitionRow(Connection c, String computerId, String partitionId) throws SQLException {
    return first(rows(c, "SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION
        + " WHERE reference=? AND computer_reference=?", partitionId, computerId));
  }

  private static Row instanceRow(Connection c, String title, String requestedBy) throws SQLException {
    return first(rows(c, "SELECT " + PARTITION_COLUMNS + " FROM " + PARTITION
        + " WHERE partition_reference=? AND requested_by=? ORDER BY rowid LIMIT 1", title, requestedBy));
  }

  private SlaveRecord slaveRow(Connection c, String reference, String computerId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + SLAVE_COLUMNS + " FROM " + SLAVE
        + " WHERE reference=? AND computer_reference=? ORDER BY rowid LIMIT 1")) {
      s.setString(1, reference);
      s.setString(2, computerId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? slave(rs) : null;
      }
    }
  }

  private SlaveRecord slave(ResultSet rs) throws SQLException {
    String connectionXml = rs.getString(3);
    return new SlaveRecord(rs.getString(1), rs.getString(2), rs.getString(4), rs.getString(5), connectionXml,
        parsed.instanceXml(connectionXml));
  }

  private static List<NetworkAddress> addresses(Connection c, String partitionReference, String computerId)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT reference, address, netmask FROM " + NETWORK
        + " WHERE partition_reference=? AND computer_reference=? ORDER BY rowid")) {
      s.setString(1, partitionReference);
      s.setString(2, computerId);
      List<NetworkAddress> result = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.add(new NetworkAddress(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
      return result;
    }
  }

  private PartitionInfo info(Row row, List<NetworkAddress> addresses) {
    return new PartitionInfo(row.computer(), row.reference(), row.slapState(), row.softwareRelease(),
        row.softwareType(), row.title(), row.requestedBy(), row.requestedState(), row.timestamp(), row.xml(),
        parsed.instanceXml(row.xml()), row.connectionXml(), parsed.instanceXml(row.connectionXml()),
        row.slaveList() == null ? null : parsed.slaveList(row.slaveList()), addresses);
  }

  private List<Map<String, Object>> mutableSlaveList(String marshalled) {
    List<Map<String, Object>> result = new ArrayList<>();
    for (Map<String, Object> entry : parsed.slaveList(marshalled)) {
      result.add(new LinkedHashMap<>(entry));
    }
    return result;
  }

  private static List<String> strings(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      List<String> result = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.add(rs.getString(1));
        }
      }
      return result;
    }
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      return s.executeUpdate();
    }
  }

  private static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object value = args[i];
      if (value == null) {
        s.setNull(i + 1, java.sql.Types.VARCHAR);
      } else if (value instanceof String string) {
        s.setString(i + 1, string);
      } else if (value instanceof Double d) {
        s.setDouble(i + 1, d);
      } else if (value instanceof Long l) {
        s.setLong(i + 1, l);
      } else {
        s.setObject(i + 1, value);
      }
    }
  }

  /** Now, in seconds since the epoch; strictly greater than any timestamp this store issued before. */
  private double nextTimestamp() {
    Instant now = Instant.now();
    double t = now.getEpochSecond() + now.getNano() / 1e9;
    if (t <= lastTimestamp) {
      t = Math.nextUp(lastTimestamp);
    }
    lastTimestamp = t;
    return t;
  }
}
