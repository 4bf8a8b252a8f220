package org.slapos.promise.example;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slapos.promise.api.PartitionContext;
import org.slapos.promise.api.Promise;
import org.slapos.promise.api.PromiseMode;
import org.slapos.promise.api.PromiseResult;

/**
 * Example promise: a partition's files must take less than a configured size.
 * <p>How a bundle contributes a promise:
 * <ol>
 * <li>Implement {@link Promise}: {@link #check} returns a {@link PromiseResult}; throwing is a
 *     failure too, with the exception's message. The checker runs it with the node's promise
 *     timeout and interrupts it past that, so long work should watch {@link Thread#interrupted()}.</li>
 * <li>Register it as a DS component with the {@value Promise#NAME} property: its title, which names
 *     the result file {@code .slapgrid/promise/result/<title>.status.json} of every partition.</li>
 * <li>Install and start the bundle: the next promise run of every partition includes it; stopping or
 *     uninstalling the bundle removes it (and its results), with no restart of the node.</li>
 * </ol>
 * A new configuration (Config Admin, PID {@value #PID}) makes DS re-create the component, so the
 * new limit applies from the next run on.
 */
@Component(configurationPid = DiskUsagePromise.PID, property = Promise.NAME + "=" + DiskUsagePromise.TITLE)
@Designate(ocd = DiskUsageConfig.class)
public final class DiskUsagePromise implements Promise {
  /** Configuration PID of the example. */
  public static final String PID = "org.slapos.promise.example.diskusage";
  /** The promise's title. */
  public static final String TITLE = "check-disk-usage";
  private static final long MEGABYTE = 1024L * 1024L;

  private final long maxBytes;
  private final Set<String> partitions;
  private final Duration periodicity;

  @Activate
  public DiskUsagePromise(DiskUsageConfig config) {
    // Bad values are refused here, with the key's name, so the operator sees which one is wrong.
    if (config.max_megabytes() <= 0) {
      throw new IllegalArgumentException("max.megabytes must be positive: " + config.max_megabytes());
    }
    if (config.periodicity_minutes() <= 0) {
      throw new IllegalArgumentException("periodicity.minutes must be positive: " + config.periodicity_minutes());
    }
    this.maxBytes = config.max_megabytes() * MEGABYTE;
    this.partitions = Set.copyOf(List.of(config.partitions()));
    this.periodicity = Duration.ofMinutes(config.periodicity_minutes());
  }

  @Override
  public boolean appliesTo(PartitionContext partition) {
    return partitions.isEmpty() || partitions.contains(partition.partitionId());
  }

  @Override
  public Duration periodicity() {
    return periodicity;
  }

  @Override
  public PromiseResult check(PartitionContext partition, PromiseMode mode) throws IOException {
    long used = sizeOf(partition.directory());
    String usage = String.format(Locale.ROOT, "%s uses %.1f MiB of %d MiB", partition.partitionId(),
        used / (double) MEGABYTE, maxBytes / MEGABYTE);
    // "ERROR:"-style prefixes are not needed: the failed flag is what the node and the master read.
    return used > maxBytes ? PromiseResult.failure(usage) : PromiseResult.success(usage);
  }

  /** Total size of the regular files under {@code directory}; stops when the checker interrupts it. */
  static long sizeOf(Path directory) throws IOException {
    long[] total = {0};
    try {
      Files.walkFileTree(directory, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("disk usage check of " + directory + " interrupted");
          }
          if (attributes.isRegularFile()) {
            total[0] += attributes.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          // A file removed while walking (logs rotate) does not make the check fail.
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return total[0];
  }
}
