package org.slapos.master.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.slapos.master.store.sqlite.schema.SchemaUpgrader;
import org.slapos.master.store.sqlite.schema.SoftwareReleaseRootRebaser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MasterStore} on the slapproxy SQLite database (schema version 17), so that a database
 * written by the Python slapproxy can be used as is, and the other way round.
 *
 * <p>Semantics follow slapproxy 1.24 (slap-protocol §3), with these differences: each operation is
 * atomic on a single writer (allocations are atomic) and acknowledged only once committed (group
 * commit, {@link GroupCommitWriter}), timestamps issued by one store are strictly increasing, and
 * destroying a shared instance on a host that never had any is a no-op.
 *
 * <p>This component only opens and closes the database; the work is done by one class per domain:
 * {@link Computers}, {@link Allocation}, {@link SharedInstances}, {@link InstanceTrees},
 * {@link Forwarding}, on {@link Database} and {@link Sql}.
 */
@Component(
    service = MasterStore.class,
    configurationPid = MasterStore.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true)
@Designate(ocd = StoreConfig.class)
public final class SqliteMasterStore implements MasterStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteMasterStore.class);

  /** Default of {@link Settings#parseCacheBytes()}: parsed XML documents kept, by their text size. */
  public static final long DEFAULT_PARSE_CACHE_BYTES = 64L * 1024 * 1024;
  /** Default of {@link Settings#writeBatchSize()}: the most writes committed together. */
  public static final int DEFAULT_WRITE_BATCH_SIZE = 64;

  /**
   * Settings of one store, from {@link StoreConfig} or given directly (tests, tools).
   *
   * @param database the SQLite file
   * @param computerId the default computer
   * @param localSoftwareReleaseRoot root of local software release paths ({@code /} by default)
   * @param readerPoolSize number of read-only connections
   * @param busyTimeoutMs how long to wait for another process's lock
   * @param parseCacheBytes bound of the cache of parsed XML columns (approximate bytes)
   * @param writeBatchSize the most writes committed in one transaction
   */
  public record Settings(Path database, String computerId, String localSoftwareReleaseRoot, int readerPoolSize,
      int busyTimeoutMs, long parseCacheBytes, int writeBatchSize) {

    /** With the default parse cache size and write batch size. */
    public Settings(Path database, String computerId, String localSoftwareReleaseRoot, int readerPoolSize,
        int busyTimeoutMs) {
      this(database, computerId, localSoftwareReleaseRoot, readerPoolSize, busyTimeoutMs, DEFAULT_PARSE_CACHE_BYTES,
          DEFAULT_WRITE_BATCH_SIZE);
    }
  }

  private final Settings settings;
  private final Database db;
  private final Computers computers;
  private final Allocation allocation;
  private final SharedInstances shared;
  private final InstanceTrees trees;
  private final Forwarding forwarding;

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
      this.db = new Database(file, settings.readerPoolSize(), settings.busyTimeoutMs(), settings.writeBatchSize(),
          writer -> {
            new SchemaUpgrader(file, settings.computerId()).upgradeIfNeeded(writer);
            new SoftwareReleaseRootRebaser(file).rebaseIfNeeded(writer, settings.localSoftwareReleaseRoot());
          });
    } catch (SQLException | RuntimeException e) {
      throw new MasterStoreException(Code.STORAGE, "Cannot open database " + file + ": " + e.getMessage(), e);
    }
    Rows rows = new Rows(new ParseCache(settings.parseCacheBytes()));
    Clock clock = new Clock();
    this.computers = new Computers(db, rows, settings.computerId());
    this.shared = new SharedInstances(db, rows, clock);
    this.allocation = new Allocation(db, rows, clock, shared, settings.computerId());
    this.trees = new InstanceTrees(db, rows, clock);
    this.forwarding = new Forwarding(db);
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
    if (config.parse_cache_bytes() < 0) {
      throw new MasterStoreException(Code.BAD_REQUEST, MasterStore.PID + ": parse.cache.bytes must not be negative");
    }
    if (config.write_batch_size() < 1) {
      throw new MasterStoreException(Code.BAD_REQUEST, MasterStore.PID + ": write.batch.size must be at least 1");
    }
    String root = config.local_software_release_root();
    if (root == null || root.isBlank()) {
      root = "/";
    }
    return new Settings(Paths.get(uri), computerId, root, config.reader_pool_size(), config.busy_timeout_ms(),
        config.parse_cache_bytes(), config.write_batch_size());
  }

  /** Finishes the writes already queued, then closes the database. */
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

  @Override
  public void formatComputer(ComputerFormat format) throws MasterStoreException {
    computers.format(format);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Nodes poll this; while nothing changes, the same (immutable) object is returned without
   * reading the tables, so callers may cache what they derive from it by identity.
   */
  @Override
  public ComputerInformation computerInformation(String computerId) throws MasterStoreException {
    return computers.information(computerId);
  }

  /** The database (tests that look at the writer). */
  Database database() {
    return db;
  }

  /** Reads computer information from the database, bypassing the cache (tests). */
  ComputerInformation readComputerInformation(String computerId) throws MasterStoreException {
    return computers.readInformation(computerId);
  }

  @Override
  public List<ComputerRecord> computers() throws MasterStoreException {
    return computers.all();
  }

  @Override
  public Optional<ComputerRecord> findComputer(String reference) throws MasterStoreException {
    return computers.find(reference);
  }

  @Override
  public void supply(String computerId, String url, String state) throws MasterStoreException {
    computers.supply(computerId, url, state);
  }

  @Override
  public void softwareReleaseDestroyed(String computerId, String url) throws MasterStoreException {
    computers.softwareReleaseDestroyed(computerId, url);
  }

  @Override
  public PartitionInfo partition(String computerId, String partitionId) throws MasterStoreException {
    return trees.partition(computerId, partitionId);
  }

  @Override
  public boolean instanceExists(InstanceRequestSpec request) throws MasterStoreException {
    return allocation.exists(request);
  }

  @Override
  public RequestOutcome request(InstanceRequestSpec request) throws MasterStoreException {
    return allocation.request(request);
  }

  @Override
  public void setConnectionParameters(String computerId, String partitionId, Map<String, ?> parameters,
      String slaveReference) throws MasterStoreException {
    trees.setConnectionParameters(computerId, partitionId, parameters, slaveReference);
  }

  @Override
  public DestroyOutcome partitionDestroyed(String computerId, String partitionId) throws MasterStoreException {
    return trees.destroyed(computerId, partitionId);
  }

  @Override
  public boolean rename(String computerId, String partitionId, String newTitle) throws MasterStoreException {
    return trees.rename(computerId, partitionId, newTitle);
  }

  @Override
  public void bang(String computerId, String partitionId) throws MasterStoreException {
    trees.bang(computerId, partitionId);
  }

  @Override
  public List<NetworkAddress> instanceTreeAddresses(String computerId, String partitionId)
      throws MasterStoreException {
    return trees.addresses(computerId, partitionId);
  }

  @Override
  public List<PartitionInfo> rootPartitions(String titleOrNull) throws MasterStoreException {
    return trees.roots(titleOrNull);
  }

  @Override
  public List<SharedInstanceInfo> rootSharedInstances(String titleOrNull) throws MasterStoreException {
    return shared.roots(titleOrNull);
  }

  @Override
  public Optional<PartitionInfo> findInstanceByTitle(String title) throws MasterStoreException {
    return trees.findByTitle(title);
  }

  @Override
  public void recordForwardedRequest(String partitionReference, String masterUrl) throws MasterStoreException {
    forwarding.record(partitionReference, masterUrl);
  }

  @Override
  public void removeForwardedRequest(String partitionReference, String masterUrl) throws MasterStoreException {
    forwarding.remove(partitionReference, masterUrl);
  }

  @Override
  public List<ForwardedRequest> forwardedRequests() throws MasterStoreException {
    return forwarding.all();
  }
}
