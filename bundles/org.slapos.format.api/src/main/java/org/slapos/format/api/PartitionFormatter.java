package org.slapos.format.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Cuts a node into partitions, as {@code slapos node format} does: roots, software user, partition
 * users and directories, addresses, taps and tuns, then the state file. Posting the result to the
 * master is the caller's job ({@link FormatResult#payload()}), so the formatter needs no network
 * beyond the node's own interfaces.
 * <p>Provider type: the format implementation bundle provides it; commands and the node agent only
 * call it.
 */
@ProviderType
public interface PartitionFormatter {

  /**
   * Validates the request, builds the computer model, applies it to the system (or, in dry-run,
   * only reports what it would change) and writes the state files.
   *
   * @throws FormatException with a one-line message; the previous state file is left intact
   */
  FormatResult format(FormatRequest request) throws FormatException;
}
