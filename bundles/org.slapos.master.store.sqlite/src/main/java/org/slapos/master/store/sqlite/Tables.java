package org.slapos.master.store.sqlite;

/** Names of the version-17 slapproxy tables and the column lists the store reads. */
final class Tables {
  static final String PARTITION = "partition17";
  static final String SOFTWARE = "software17";
  static final String COMPUTER = "computer17";
  static final String SLAVE = "slave17";
  static final String NETWORK = "partition_network17";
  static final String FORWARDED = "forwarded_partition_request17";

  /** Read by {@link Rows#partition}, in this order. */
  static final String PARTITION_COLUMNS = "reference, computer_reference, slap_state, software_release,"
      + " xml, connection_xml, slave_instance_list, software_type, partition_reference, requested_by,"
      + " requested_state, timestamp";
  /** Read by {@link Rows#slave}, in this order. */
  static final String SLAVE_COLUMNS = "reference, computer_reference, connection_xml, hosted_by, asked_by";

  private Tables() {
  }
}
