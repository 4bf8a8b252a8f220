package org.slapos.tio.impl;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slapos.tio.api.Movement;
import org.slapos.tio.api.PartitionUsage;
import org.slapos.tio.api.TioException;
import org.slapos.tio.api.TioReporter;
import org.slapos.tio.api.UsageContributor;
import org.slapos.tio.api.UsagePartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The {@link TioReporter} service, configured by PID {@value #PID}. {@link UsageContributor}
 * services are tracked as a whiteboard (dynamic, multiple): a bundle that registers one adds its
 * movements to the next journal, and its removal takes them out, with no restart.
 */
@Component(service = TioReporter.class, configurationPid = TioReporterComponent.PID)
@Designate(ocd = TioReporterConfig.class)
public final class TioReporterComponent implements TioReporter {
  /** Configuration PID of the reporter. */
  public static final String PID = "org.slapos.tio";
  private static final Logger LOG = LoggerFactory.getLogger(TioReporterComponent.class);

  private final Map<Long, UsageContributions.Contributor> contributors = new ConcurrentHashMap<>();
  private final TioSchemas schemas = new TioSchemas();
  private final ExecutorService threads;
  private final UsageContributions contributions;

  @Activate
  public TioReporterComponent(TioReporterConfig config) {
    this(Duration.ofSeconds(checkedTimeout(config.contributor_timeout_seconds())));
  }

  TioReporterComponent(Duration contributorTimeout) {
    // Cached: a contributor that ignores interruption keeps only its own thread, never the next report's.
    AtomicInteger count = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "slapos-usage-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.contributions = new UsageContributions(threads, contributorTimeout, schemas);
    LOG.debug("TIO reporter active: contributors have {} s per report", contributorTimeout.toSeconds());
  }

  private static long checkedTimeout(long seconds) {
    if (seconds <= 0) {
      throw new IllegalArgumentException("contributor.timeout.seconds must be positive: " + seconds);
    }
    return seconds;
  }

  @Deactivate
  void deactivate() {
    threads.shutdownNow();
  }

  @Reference(service = UsageContributor.class, cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC, updated = "updatedContributor")
  void bindContributor(UsageContributor contributor, Map<String, Object> properties) {
    long id = ((Number) properties.getOrDefault(Constants.SERVICE_ID, 0L)).longValue();
    Object name = properties.get(UsageContributor.NAME);
    String shown = name == null || name.toString().isBlank() ? contributor.getClass().getName() + " (service " + id
        + ", no " + UsageContributor.NAME + ")" : name.toString().strip();
    contributors.put(id, new UsageContributions.Contributor(shown, id, contributor));
    LOG.info("Usage contributor {} added", shown);
  }

  void updatedContributor(UsageContributor contributor, Map<String, Object> properties) {
    bindContributor(contributor, properties);
  }

  void unbindContributor(UsageContributor contributor, Map<String, Object> properties) {
    long id = ((Number) properties.getOrDefault(Constants.SERVICE_ID, 0L)).longValue();
    UsageContributions.Contributor removed = contributors.remove(id);
    if (removed != null) {
      LOG.info("Usage contributor {} removed", removed.name());
    }
  }

  @Override
  public void validate(String xml, Schema schema) throws TioException {
    schemas.parse(xml, Objects.requireNonNull(schema, "schema"));
  }

  @Override
  public List<Movement> movements(String partitionConsumptionXml) throws TioException {
    Document document = schemas.parse(partitionConsumptionXml, Schema.PARTITION_CONSUMPTION);
    List<Movement> movements = new ArrayList<>();
    // Valid against the schema: the root's children are movement elements holding text-only elements.
    for (Node movement = document.getDocumentElement().getFirstChild(); movement != null;
        movement = movement.getNextSibling()) {
      if (movement instanceof Element) {
        List<Map.Entry<String, String>> elements = new ArrayList<>();
        for (Node child = movement.getFirstChild(); child != null; child = child.getNextSibling()) {
          if (child instanceof Element element) {
            String text = element.getTextContent();
            elements.add(Map.entry(element.getTagName(), text.isEmpty() ? JournalWriter.NO_TEXT : text));
          }
        }
        movements.add(new Movement(elements));
      }
    }
    return movements;
  }

  @Override
  public String journal(String computerId, List<PartitionUsage> usages, List<UsagePartition> partitions,
      LocalDateTime stopDate) throws TioException {
    Objects.requireNonNull(computerId, "computerId");
    Objects.requireNonNull(stopDate, "stopDate");
    List<JournalWriter.Entry> entries = new ArrayList<>();
    for (PartitionUsage usage : usages) {
      usage.movements().forEach(movement -> entries.add(new JournalWriter.Entry(usage.partitionId(), movement)));
    }
    int reported = entries.size();
    entries.addAll(contributions.collect(sortedContributors(), partitions, computerId));
    if (entries.isEmpty()) {
      LOG.debug("No movement to report: no journal");
      return "";
    }
    String journal = JournalWriter.journal(computerId, stopDate, entries);
    // Never hand out a journal the master would refuse (the original raises "not valid" too).
    schemas.parse(journal, Schema.COMPUTER_CONSUMPTION);
    LOG.debug("Journal of {} movements ({} from partition reports, {} contributed)", entries.size(), reported,
        entries.size() - reported);
    return journal;
  }

  /** By name, then by registration order: the journal's order does not depend on a hash. */
  private List<UsageContributions.Contributor> sortedContributors() {
    List<UsageContributions.Contributor> sorted = new ArrayList<>(contributors.values());
    sorted.sort(Comparator.comparing(UsageContributions.Contributor::name)
        .thenComparingLong(UsageContributions.Contributor::serviceId));
    return sorted;
  }
}
