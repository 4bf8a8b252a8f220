package org.slapos.master.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data of a minimal SlapOS master (slapproxy): computers, supplied software, partitions and the
 * instances they host, shared instances, and forwarded requests.
 *
 * <p>Every method is one atomic unit: either all its changes are stored, durably, or none. Concurrent
 * callers never see a half-done operation, and two concurrent requests never get the same partition.
 * Identity rules follow slapproxy (slap-protocol §3.3): an instance is identified by its title and the
 * title of the root of its tree; a request from a partition is scoped to that partition's tree.
 *
 * <p>Provider type: implemented by a store bundle (e.g. {@code org.slapos.master.store.sqlite});
 * the HTTP front-ends and the shell only call it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface MasterStore {
  /** Configuration PID of the store component. */
  String PID = "org.slapos.master.store";
  /** Configuration key: path of the database ({@code database_uri} in slapos.cfg). */
  String CONFIG_DATABASE_URI = "database.uri";
  /** Configuration key: the default computer ({@code computer_id} in slapos.cfg). */
  String CONFIG_COMPUTER_ID = "computer.id";
  /** Configuration key: root of local software release paths ({@code local_software_release_root}). */
  String CONFIG_LOCAL_SOFTWARE_RELEASE_ROOT = "local.software.release.root";

  /** The computer used when a request names none; it always answers computer information. */
  String defaultComputerId();

  // ---- computers and software ------------------------------------------------------------

  /**
   * Registers or updates a computer and its partitions: partitions not listed are removed with the
   * shared instances they host, listed ones keep their instance, new ones are free, and all the
   * computer's addresses are replaced.
   */
  void formatComputer(ComputerFormat format) throws MasterStoreException;

  /**
   * The computer's software and partitions.
   *
   * @throws MasterStoreException NOT_FOUND when the computer is neither registered nor the default one
   */
  ComputerInformation computerInformation(String computerId) throws MasterStoreException;

  /** The registered computers, in registration order. */
  List<ComputerRecord> computers() throws MasterStoreException;

  /** One registered computer. */
  Optional<ComputerRecord> findComputer(String reference) throws MasterStoreException;

  /**
   * Asks a computer to install ({@code available}) or remove ({@code destroyed}) a software release.
   *
   * @throws MasterStoreException BAD_REQUEST for any other state
   */
  void supply(String computerId, String url, String state) throws MasterStoreException;

  /** Forgets a software release once the node has removed it. */
  void softwareReleaseDestroyed(String computerId, String url) throws MasterStoreException;

  // ---- partitions and instances --------------------------------------------------------------

  /**
   * One partition.
   *
   * @throws MasterStoreException NOT_FOUND for an unknown partition
   */
  PartitionInfo partition(String computerId, String partitionId) throws MasterStoreException;

  /**
   * Whether the instance the request designates already exists (an instance of the same title in
   * the requester's tree, or a shared instance of the same reference on the target computer). A
   * request for a new instance may be forwarded to another master instead of being allocated.
   */
  boolean instanceExists(InstanceRequestSpec request) throws MasterStoreException;

  /**
   * Allocates a new instance or updates an existing one (slap-protocol §3.5).
   *
   * @throws MasterStoreException ALLOCATION_FAILURE when no partition is free on the target
   *     computer, or no partition can host the shared instance; BAD_REQUEST for an invalid state
   */
  RequestOutcome request(InstanceRequestSpec request) throws MasterStoreException;

  /**
   * Stores the connection parameters an instance publishes, for itself or, with a slave reference,
   * for a shared instance it hosts (which is then considered hosted by that partition). Values are
   * stored as their string form. Unknown targets are ignored, as in slapproxy.
   */
  void setConnectionParameters(String computerId, String partitionId, Map<String, ?> parameters,
      String slaveReference) throws MasterStoreException;

  /**
   * The node reports the partition destroyed. A root instance with children first marks its children
   * destroyed and stays; otherwise the partition becomes free.
   */
  DestroyOutcome partitionDestroyed(String computerId, String partitionId) throws MasterStoreException;

  /**
   * Renames the instance of a partition; for a root instance, its tree follows.
   *
   * @return false for an unknown partition
   */
  boolean rename(String computerId, String partitionId, String newTitle) throws MasterStoreException;

  /** Marks the whole tree of the partition's instance for reprocessing. Unknown partitions are ignored. */
  void bang(String computerId, String partitionId) throws MasterStoreException;

  /**
   * The addresses of every partition of the partition's instance tree.
   *
   * @throws MasterStoreException NOT_FOUND for an unknown partition
   */
  List<NetworkAddress> instanceTreeAddresses(String computerId, String partitionId) throws MasterStoreException;

  // ---- instance trees (HATEOAS) ----------------------------------------------------------------

  /** Busy root instances, optionally only those of the given title. */
  List<PartitionInfo> rootPartitions(String titleOrNull) throws MasterStoreException;

  /** Root shared instances still present in their host's list, optionally only the given title. */
  List<SharedInstanceInfo> rootSharedInstances(String titleOrNull) throws MasterStoreException;

  /** The first partition whose instance has this title, whatever its tree. */
  Optional<PartitionInfo> findInstanceByTitle(String title) throws MasterStoreException;

  // ---- multimaster bookkeeping -----------------------------------------------------------------

  /** Remembers that a request was forwarded to another master. */
  void recordForwardedRequest(String partitionReference, String masterUrl) throws MasterStoreException;

  /** Forgets a forwarded request (it was requested destroyed). */
  void removeForwardedRequest(String partitionReference, String masterUrl) throws MasterStoreException;

  /** The forwarded requests. */
  List<ForwardedRequest> forwardedRequests() throws MasterStoreException;
}
