package org.slapos.collect.impl;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The daily consumption journal (a TIO document, node-behavior §6.5 step 7): one "Sale Packing List"
 * transaction for the node with the day's averages, written byte for byte as the original writes it
 * (ElementTree without pretty printing, empty elements as {@code <x />}).
 */
final class ConsumptionJournal {
  private static final double MIB = 1024.0 * 1024.0;
  private final StringBuilder xml = new StringBuilder(2048);

  private ConsumptionJournal() {
  }

  /** The journal of {@code date} from the database's figures. */
  static byte[] build(CollectorDatabase database, String computerId, List<String> users, String date)
      throws SQLException {
    ConsumptionJournal journal = new ConsumptionJournal();
    StringBuilder out = journal.xml;
    out.append("<?xml version='1.0' encoding='utf-8'?><journal><transaction type=\"Sale Packing List\">");
    journal.property("title", "Eco Information for " + computerId + " ");
    journal.property("start_date", date + " 00:00:00");
    journal.property("stop_date", date + " 23:59:59");
    journal.property("reference", date + "-global");
    journal.property("currency", "");
    journal.property("payment_mode", "");
    journal.property("category", "");
    out.append("<arrow type=\"Destination\" />");
    OptionalDouble cpu = database.dayAverage("system", "cpu_percent", date);
    if (cpu.isPresent()) {
      journal.movement("service_module/cpu_load_percent", "CPU Load Percent Average", computerId,
          PythonNumbers.repr(cpu.getAsDouble()));
    }
    OptionalDouble memory = database.dayAverage("system", "memory_used", date);
    if (memory.isPresent()) {
      journal.movement("service_module/memory_used", "Used Memory", computerId, PythonNumbers.repr(memory.getAsDouble()));
    }
    double ratio = database.lastZeroEmissionRatio();
    // With no heating test the original writes the integer -1 as str(-1).
    journal.movement("service_module/zero_emission_ratio", "Zero Emission Ratio", computerId,
        ratio == -1 ? "-1" : PythonNumbers.repr(ratio));
    for (String user : users) {
      OptionalDouble load = database.userDayAverage("user", "cpu_percent", user, date);
      if (load.isPresent()) {
        journal.movement("service_module/cpu_load_percent", "CPU Load Percent Average for " + user, user,
            PythonNumbers.repr(load.getAsDouble()));
      }
    }
    for (String user : users) {
      OptionalDouble rss = database.userDayAverage("user", "memory_rss", user, date);
      if (rss.isPresent()) {
        journal.movement("service_module/memory_used", "Memory Used Average for " + user, user,
            PythonNumbers.repr(rss.getAsDouble() / MIB));
      }
    }
    for (String user : users) {
      OptionalDouble disk = database.userDayAverage("folder", "disk_used", user, date);
      if (disk.isPresent()) {
        journal.movement("service_module/disk_used", "Partition Disk Used Average for " + user, user,
            PythonNumbers.repr(disk.getAsDouble() / 1024.0));
      }
    }
    out.append("</transaction></journal>");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void movement(String resource, String title, String reference, String quantity) {
    xml.append("<movement>");
    property("resource", resource);
    property("title", title);
    property("reference", reference);
    property("quantity", quantity);
    property("price", "0.0");
    property("VAT", "");
    property("category", "");
    xml.append("</movement>");
  }

  private void property(String name, String value) {
    if (value.isEmpty()) {
      xml.append('<').append(name).append(" />");
      return;
    }
    xml.append('<').append(name).append('>');
    escape(value);
    xml.append("</").append(name).append('>');
  }

  /** ElementTree's text escaping: &amp;, &lt; and &gt;. */
  private void escape(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> xml.append("&amp;");
        case '<' -> xml.append("&lt;");
        case '>' -> xml.append("&gt;");
        default -> xml.append(c);
      }
    }
  }
}
