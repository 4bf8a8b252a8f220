package org.slapos.tio.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slapos.tio.api.Movement;
import org.slapos.tio.api.TioException;
import org.slapos.tio.api.TioReporter;
import org.slapos.tio.api.UsageContributor;
import org.slapos.tio.api.UsagePartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the usage contributors for their movements, one report at a time. Each contributor runs
 * on its own thread, partition after partition and then for the node, and all of them share one
 * deadline. Whatever goes wrong with one contribution (an exception, no answer in time, movements
 * that are not valid TIO) is logged and only that contribution is left out.
 */
final class UsageContributions {
  private static final Logger LOG = LoggerFactory.getLogger(UsageContributions.class);

  /** A tracked contributor service with what orders and names it. */
  record Contributor(String name, long serviceId, UsageContributor service) {
  }

  private final ExecutorService threads;
  private final Duration timeout;
  private final TioSchemas schemas;

  UsageContributions(ExecutorService threads, Duration timeout, TioSchemas schemas) {
    this.threads = threads;
    this.timeout = timeout;
    this.schemas = schemas;
  }

  /**
   * The contributed movements, partition by partition (in the given order, contributors in the
   * given order), then the node's.
   *
   * @throws TioException only when the calling thread is interrupted
   */
  List<JournalWriter.Entry> collect(List<Contributor> contributors, List<UsagePartition> partitions,
      String computerId) throws TioException {
    if (contributors.isEmpty()) {
      return List.of();
    }
    int slots = partitions.size() + 1;
    List<AtomicReferenceArray<List<Movement>>> answers = new ArrayList<>();
    List<Future<?>> runs = new ArrayList<>();
    for (Contributor contributor : contributors) {
      AtomicReferenceArray<List<Movement>> answer = new AtomicReferenceArray<>(slots);
      answers.add(answer);
      runs.add(threads.submit(() -> ask(contributor, partitions, computerId, answer)));
    }
    awaitAll(contributors, runs);

    List<JournalWriter.Entry> entries = new ArrayList<>();
    for (int slot = 0; slot < slots; slot++) {
      boolean node = slot == partitions.size();
      String reference = node ? computerId : partitions.get(slot).partitionId();
      for (int i = 0; i < contributors.size(); i++) {
        // Read once: a run cancelled at the deadline may still be writing later slots.
        List<Movement> movements = answers.get(i).get(slot);
        if (movements != null && !movements.isEmpty()
            && valid(contributors.get(i), node ? "the node" : "partition " + reference, reference, movements)) {
          movements.forEach(movement -> entries.add(new JournalWriter.Entry(reference, movement)));
        }
      }
    }
    return entries;
  }

  /** One contributor's run: a failure for one partition does not stop the others. */
  private static void ask(Contributor contributor, List<UsagePartition> partitions, String computerId,
      AtomicReferenceArray<List<Movement>> answer) {
    for (int slot = 0; slot <= partitions.size() && !Thread.currentThread().isInterrupted(); slot++) {
      boolean node = slot == partitions.size();
      String subject = node ? "the node" : "partition " + partitions.get(slot).partitionId();
      try {
        List<Movement> movements = node ? contributor.service().nodeUsage(computerId)
            : contributor.service().partitionUsage(partitions.get(slot));
        if (movements == null) {
          LOG.warn("Usage contributor {} returned no list for {}: nothing reported for it", contributor.name(),
              subject);
        } else {
          answer.set(slot, List.copyOf(movements));
        }
      } catch (Exception | LinkageError e) {
        // LinkageError: the contributor's bundle was updated or uninstalled while it ran.
        LOG.warn("Usage contributor {} failed for {}: its movements are left out of this report",
            contributor.name(), subject, e);
      }
    }
  }

  private void awaitAll(List<Contributor> contributors, List<Future<?>> runs) throws TioException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (int i = 0; i < runs.size(); i++) {
        Future<?> run = runs.get(i);
        try {
          run.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          run.cancel(true);
          LOG.warn("Usage contributor {} did not answer within {} ms: what it had not given yet is left out of "
              + "this report", contributors.get(i).name(), timeout.toMillis());
        } catch (ExecutionException | CancellationException e) {
          // ask() catches everything a contributor throws; this is the executor refusing or failing.
          LOG.warn("Usage contributor {} could not run: its movements are left out of this report",
              contributors.get(i).name(), e);
        }
      }
    } catch (InterruptedException e) {
      runs.forEach(run -> run.cancel(true));
      Thread.currentThread().interrupt();
      throw new TioException("Interrupted while the usage contributors were asked for their movements", e);
    }
  }

  /** A contribution goes in only when it is a valid partition consumption document on its own. */
  private boolean valid(Contributor contributor, String subject, String reference, List<Movement> movements) {
    try {
      schemas.parse(JournalWriter.consumption(reference, movements), TioReporter.Schema.PARTITION_CONSUMPTION);
      return true;
    } catch (TioException e) {
      LOG.warn("Usage contributor {} gave movements for {} that are not valid TIO, left out of this report: {}",
          contributor.name(), subject, e.getMessage());
      return false;
    }
  }
}
