package org.slapos.slap.client.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request transaction file slapgrid uses to find out which instances a partition still requests
 * (protocol §3.11). Only active while slapgrid runs the partition's buildout, which it signals with the
 * environment variable SLAPGRID_INSTANCE_ROOT; failures are ignored, as in Python.
 */
final class TransactionFiles {

  static final String INSTANCE_ROOT_VARIABLE = "SLAPGRID_INSTANCE_ROOT";
  private static final Logger LOG = LoggerFactory.getLogger(TransactionFiles.class);

  private final Map<String, String> environment;

  TransactionFiles(Map<String, String> environment) {
    this.environment = environment;
  }

  private Path file(String partitionId) {
    String root = environment.get(INSTANCE_ROOT_VARIABLE);
    if (root == null || root.isEmpty() || partitionId == null || partitionId.isEmpty()) {
      return null;
    }
    try {
      return Path.of(root, partitionId, ".slapos-request-transaction-" + partitionId);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** When a partition object is built: create the empty file if the partition directory is writable. */
  void touch(String partitionId) {
    Path file = file(partitionId);
    if (file == null || !Files.isWritable(file.getParent()) || Files.exists(file)) {
      return;
    }
    try {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      // created concurrently: fine
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot create transaction file {}: {}", file, e.toString());
    }
  }

  /** When a partition requests an instance: append its reference. */
  void append(String partitionId, String partitionReference) {
    Path file = file(partitionId);
    if (file == null) {
      return;
    }
    try {
      Files.writeString(file, partitionReference + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot append to transaction file {}: {}", file, e.toString());
    }
  }
}
