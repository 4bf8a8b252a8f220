package org.slapos.tio.example;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slapos.tio.api.Movement;
import org.slapos.tio.api.UsageContributor;
import org.slapos.tio.api.UsagePartition;

/**
 * Example usage contributor: one movement per partition, the size of its files.
 * <p>How a bundle contributes usage lines:
 * <ol>
 * <li>Implement {@link UsageContributor}: {@link #partitionUsage} returns the movements of one
 *     partition (empty for none); {@link UsageContributor#nodeUsage} may add node-wide ones (this
 *     example has none). Throwing leaves this partition's movements out of the report, nothing
 *     else; so do movements that are not valid TIO (a quantity that is not a number...).</li>
 * <li>Register it as a DS component with the {@value UsageContributor#NAME} property: the name the
 *     node's log uses for it.</li>
 * <li>Install and start the bundle: the next {@code node report} adds its movements to the journal it
 *     sends; stopping or uninstalling the bundle removes them, with no restart of the node.</li>
 * </ol>
 * The reporter gives all contributors a shared time limit per report and interrupts them past it,
 * so a long directory walk checks {@link Thread#isInterrupted()}.
 * <p>Produces, for {@code slappart0} holding 3 MiB of files:
 * <pre>{@code
 * <movement><resource>Disk Usage</resource><title>Disk usage of slappart0 in MiB</title>
 * <reference>slappart0</reference><quantity>3.000</quantity><price>0.00</price><VAT>None</VAT>
 * <category>Disk</category></movement>
 * }</pre>
 */
@Component(configurationPid = DiskUsageContributor.PID,
    property = UsageContributor.NAME + "=" + DiskUsageContributor.CONTRIBUTOR_NAME)
@Designate(ocd = DiskUsageConfig.class)
public final class DiskUsageContributor implements UsageContributor {
  /** Configuration PID of the example. */
  public static final String PID = "org.slapos.tio.example.diskusage";
  /** The contributor's name (service property {@value UsageContributor#NAME}). */
  public static final String CONTRIBUTOR_NAME = "disk-usage";

  private static final Map<String, Integer> UNIT_SHIFTS = Map.of("B", 0, "KiB", 10, "MiB", 20, "GiB", 30);
  /** xs:float's decimal form, the only one worth writing by hand (no exponent, INF or NaN). */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)");

  private final String unit;
  private final BigDecimal unitSize;
  private final String resource;
  private final String category;
  private final String price;
  private final String vat;
  private final Set<String> partitions;

  @Activate
  public DiskUsageContributor(DiskUsageConfig config) {
    // Bad values are refused here, with the key's name: the component does not start, and the
    // operator sees which key is wrong, instead of every report being left out later.
    Integer shift = UNIT_SHIFTS.get(config.unit());
    if (shift == null) {
      throw new IllegalArgumentException("unit must be one of B, KiB, MiB, GiB: " + config.unit());
    }
    if (!DECIMAL.matcher(config.price()).matches()) {
      throw new IllegalArgumentException("price must be a decimal number: " + config.price());
    }
    if (config.resource().isBlank()) {
      throw new IllegalArgumentException("resource must not be empty");
    }
    this.unit = config.unit();
    this.unitSize = BigDecimal.valueOf(1L << shift);
    this.resource = config.resource();
    this.category = config.category();
    this.price = config.price();
    this.vat = config.vat();
    this.partitions = Set.copyOf(List.of(config.partitions()));
  }

  @Override
  public List<Movement> partitionUsage(UsagePartition partition) throws IOException {
    boolean wanted = partitions.isEmpty() ? !partition.softwareReleaseUrl().isEmpty()
        : partitions.contains(partition.partitionId());
    if (!wanted || !Files.isDirectory(partition.directory())) {
      return List.of();
    }
    BigDecimal quantity = BigDecimal.valueOf(sizeOf(partition.directory())).divide(unitSize, 3, RoundingMode.HALF_UP);
    // The reference is the partition's id; the reporter writes it there anyway.
    return List.of(Movement.of(resource, "Disk usage of " + partition.partitionId() + " in " + unit,
        partition.partitionId(), quantity.toPlainString(), price, vat, category.isEmpty() ? null : category));
  }

  /** Total size of the regular files under {@code directory}; symbolic links are not followed. */
  static long sizeOf(Path directory) throws IOException {
    long[] total = {0};
    Files.walkFileTree(directory, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("disk usage of " + directory + " interrupted");
        }
        if (attributes.isRegularFile()) {
          total[0] += attributes.size();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        // A file removed while walking (a rotated log) or a directory the node may not read does
        // not cost the partition its whole line: it counts what it can see.
        return FileVisitResult.CONTINUE;
      }
    });
    return total[0];
  }
}
