package org.slapos.master.store.sqlite;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the SQLite master store (PID {@code org.slapos.master.store}). */
@ObjectClassDefinition(
    name = "SlapOS master store (SQLite)",
    description = "The slapproxy database: computers, software, partitions and instances.")
@interface StoreConfig {

  @AttributeDefinition(description = "Path of the SQLite database file (slapos.cfg database_uri). "
      + "Created with the version-17 slapproxy schema when missing; older schemas are migrated.")
  String database_uri();

  @AttributeDefinition(description = "The default computer (slapos.cfg computer_id): requests without "
      + "an SLA computer_guid are allocated there, and it always answers computer information.")
  String computer_id() default "computer";

  @AttributeDefinition(description = "Root of local software release paths (slapos.cfg "
      + "local_software_release_root). When it changes, stored local paths are rebased.")
  String local_software_release_root() default "/";

  @AttributeDefinition(description = "Number of read-only connections used by concurrent readers "
      + "(writes always go through one connection, one at a time).")
  int reader_pool_size() default 4;

  @AttributeDefinition(description = "Milliseconds to wait for a lock held by another process "
      + "(e.g. slapos proxy show) before failing.")
  int busy_timeout_ms() default 10000;

  @AttributeDefinition(description = "Bound of the cache of parsed parameter documents (instance XML and "
      + "shared-instance lists), in bytes of document text; 0 disables it.")
  long parse_cache_bytes() default SqliteMasterStore.DEFAULT_PARSE_CACHE_BYTES;

  @AttributeDefinition(description = "The most writes committed in one transaction: concurrent writes "
      + "share one durable commit (group commit), each still undone alone when it fails.")
  int write_batch_size() default SqliteMasterStore.DEFAULT_WRITE_BATCH_SIZE;
}
