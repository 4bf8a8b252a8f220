package org.slapos.grid.report;

import java.io.StringReader;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.xml.parsers.DocumentBuilderFactory;
import org.slapos.tio.api.Movement;
import org.slapos.tio.api.PartitionUsage;
import org.slapos.tio.api.TioException;
import org.slapos.tio.api.TioReporter;
import org.slapos.tio.api.UsagePartition;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * A TIO reporter for unit tests: a document is valid when it is well-formed XML with the schema's
 * root ({@code consumption} or {@code journal}) and at least one {@code movement}; the journal is a
 * recognisable text naming the computer and each partition's movement count, and the call is recorded.
 */
final class RecordingTio implements TioReporter {
  record JournalCall(String computerId, List<PartitionUsage> usages, List<UsagePartition> partitions,
      LocalDateTime stopDate) {
  }

  final List<JournalCall> journals = new CopyOnWriteArrayList<>();

  @Override
  public void validate(String xml, Schema schema) throws TioException {
    Document document = parse(xml);
    String root = schema == Schema.COMPUTER_CONSUMPTION ? "journal" : "consumption";
    if (!document.getDocumentElement().getTagName().equals(root)) {
      throw new TioException("root element is " + document.getDocumentElement().getTagName() + ", not " + root);
    }
    if (document.getElementsByTagName("movement").getLength() == 0) {
      throw new TioException("no movement");
    }
  }

  @Override
  public List<Movement> movements(String xml) throws TioException {
    validate(xml, Schema.PARTITION_CONSUMPTION);
    NodeList movements = parse(xml).getElementsByTagName("movement");
    List<Movement> result = new ArrayList<>();
    for (int i = 0; i < movements.getLength(); i++) {
      List<Map.Entry<String, String>> elements = new ArrayList<>();
      for (Node child = movements.item(i).getFirstChild(); child != null; child = child.getNextSibling()) {
        if (child instanceof Element element) {
          elements.add(Map.entry(element.getTagName(), element.getTextContent()));
        }
      }
      result.add(new Movement(elements));
    }
    return result;
  }

  @Override
  public String journal(String computerId, List<PartitionUsage> usages, List<UsagePartition> partitions,
      LocalDateTime stopDate) {
    journals.add(new JournalCall(computerId, usages, partitions, stopDate));
    if (usages.isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder("<journal computer='" + computerId + "'>");
    for (PartitionUsage usage : usages) {
      text.append("<partition id='").append(usage.partitionId()).append("' movements='")
          .append(usage.movements().size()).append("'/>");
    }
    return text.append("</journal>").toString();
  }

  private static Document parse(String xml) throws TioException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    } catch (Exception e) {
      throw new TioException("not well-formed: " + e.getMessage(), e);
    }
  }
}
