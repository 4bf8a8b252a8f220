package org.slapos.master.api;

import java.nio.file.Path;

/**
 * Reads the tables of a store's database file without changing it, for {@code slapos proxy show}.
 * It works on any database file, whether a store component uses it or not.
 *
 * <p>Provider type: implemented by the store bundle that owns the file format.
 */
@org.osgi.annotation.versioning.ProviderType
public interface MasterStoreInspector {

  /** The views {@code slapos proxy show} prints. */
  enum View {
    /** Every registered computer. */
    COMPUTERS,
    /** Every supplied software release, with an {@code md5} column (the hash of its URL). */
    SOFTWARE,
    /** Busy partitions, without their XML columns. */
    PARTITIONS,
    /** Shared instance rows, without their connection XML. */
    SLAVES,
    /** Columns {@code reference, partition_reference, software_type, connection_xml} of every partition. */
    PARAMETERS,
    /** Columns {@code partition_reference, address} of the addresses of partitions that are not free. */
    NETWORK
  }

  /**
   * Reads one view.
   *
   * @throws MasterStoreException NOT_FOUND when the file does not exist; STORAGE when it is not a
   *     database of this store
   */
  StoreTable read(Path database, View view) throws MasterStoreException;
}
