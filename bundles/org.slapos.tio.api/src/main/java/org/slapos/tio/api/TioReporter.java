package org.slapos.tio.api;

import java.time.LocalDateTime;
import java.util.List;

/**
 * TIO documents (node-behavior §6.2-6.4): validation against the original's schemas
 * ({@code computer_consumption.xsd}, {@code partition_consumption.xsd}), parsing of partition
 * reports, and the journal {@code node report} sends with {@code useComputer}, including the
 * movements of every {@link UsageContributor} service.
 * <p>Provider type: the TIO bundle implements it; {@code node report} and {@code node collect} call it.
 */
@org.osgi.annotation.versioning.ProviderType
public interface TioReporter {

  /** The two document kinds a node handles. */
  enum Schema {
    /** Root {@code journal}: what {@code useComputer} receives. */
    COMPUTER_CONSUMPTION,
    /** Root {@code consumption}: what a partition drops in {@code var/xml_report}. */
    PARTITION_CONSUMPTION
  }

  /**
   * Checks a document against a schema (DTDs and external entities refused).
   *
   * @throws TioException with a one-line reason (line, column, what is wrong) when invalid
   */
  void validate(String xml, Schema schema) throws TioException;

  /**
   * The movements of a valid partition consumption document, in order.
   *
   * @throws TioException when it is not a valid partition consumption document
   */
  List<Movement> movements(String partitionConsumptionXml) throws TioException;

  /**
   * The journal of §6.3 for {@code usages}, followed by the movements the {@link UsageContributor}
   * services give for {@code partitions} (partition by partition, contributors by name) and then for
   * the node, validated against the computer schema. A contribution that fails, times out or is not
   * valid TIO is logged and left out; the rest of the journal is still built.
   *
   * @param stopDate written as {@code YYYY-MM-DD at HH:MM:SS}
   * @return the journal, or empty text when there is no movement at all (nothing to send)
   * @throws TioException when the journal would not be valid; it must then not be sent
   */
  String journal(String computerId, List<PartitionUsage> usages, List<UsagePartition> partitions,
      LocalDateTime stopDate) throws TioException;
}
