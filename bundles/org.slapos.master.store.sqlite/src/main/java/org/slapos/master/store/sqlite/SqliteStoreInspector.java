package org.slapos.master.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.slapos.master.api.MasterStoreException;
import org.slapos.master.api.MasterStoreException.Code;
import org.slapos.master.api.MasterStoreInspector;
import org.slapos.master.api.StoreTable;
import org.sqlite.SQLiteConfig;

/**
 * Reads the tables of a slapproxy database (schema version 17) for {@code slapos proxy show}, on a
 * read-only connection: it never creates, migrates or locks the file for writing.
 */
@Component(service = MasterStoreInspector.class)
public final class SqliteStoreInspector implements MasterStoreInspector {

  private static final int BUSY_TIMEOUT_MS = 10_000;

  @Override
  public StoreTable read(Path database, View view) throws MasterStoreException {
    if (!Files.isRegularFile(database)) {
      throw new MasterStoreException(Code.NOT_FOUND, "Database " + database + " does not exist");
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    try (Connection c = config.createConnection("jdbc:sqlite:" + database)) {
      return switch (view) {
        case COMPUTERS -> table(c, Tables.COMPUTER, "SELECT * FROM " + Tables.COMPUTER
            + " ORDER BY rowid", Set.of(), false);
        case SOFTWARE -> table(c, Tables.SOFTWARE, "SELECT * FROM " + Tables.SOFTWARE
            + " ORDER BY rowid", Set.of(), true);
        case PARTITIONS -> table(c, Tables.PARTITION, "SELECT * FROM " + Tables.PARTITION
            + " WHERE slap_state<>'free' ORDER BY rowid", Set.of("xml", "connection_xml", "slave_instance_list"), false);
        case SLAVES -> table(c, Tables.SLAVE, "SELECT * FROM " + Tables.SLAVE
            + " ORDER BY rowid", Set.of("connection_xml"), false);
        case PARAMETERS -> table(c, Tables.PARTITION, "SELECT reference, partition_reference,"
            + " software_type, connection_xml FROM " + Tables.PARTITION + " ORDER BY rowid", Set.of(), false);
        case NETWORK -> table(c, Tables.NETWORK, "SELECT partition_reference, address FROM "
            + Tables.NETWORK + " WHERE partition_reference NOT IN (SELECT reference FROM "
            + Tables.PARTITION + " WHERE slap_state='free') ORDER BY rowid", Set.of(), false);
      };
    } catch (SQLException e) {
      throw new MasterStoreException(Code.STORAGE, "Cannot read " + database + ": " + e.getMessage(), e);
    }
  }

  private static StoreTable table(Connection c, String name, String sql, Set<String> skip, boolean md5OfUrl)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> columns = new ArrayList<>();
      List<Integer> indexes = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      int urlIndex = -1;
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        String column = meta.getColumnName(i);
        if (column.equals("url")) {
          urlIndex = i;
        }
        if (skip.contains(column)) {
          skipped.add(column);
        } else {
          columns.add(column);
          indexes.add(i);
        }
      }
      if (md5OfUrl) {
        columns.add("md5");
      }
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(columns.size());
        for (int i : indexes) {
          row.add(value(rs.getObject(i)));
        }
        if (md5OfUrl) {
          String url = urlIndex > 0 ? rs.getString(urlIndex) : null;
          row.add(url == null ? null : md5(url));
        }
        rows.add(row);
      }
      return new StoreTable(name, columns, skipped, rows);
    }
  }

  private static Object value(Object o) {
    if (o instanceof Integer i) {
      return i.longValue();
    }
    if (o instanceof Float f) {
      return f.doubleValue();
    }
    if (o instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return o;
  }

  private static String md5(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a mandatory JDK algorithm", e);
    }
  }
}
