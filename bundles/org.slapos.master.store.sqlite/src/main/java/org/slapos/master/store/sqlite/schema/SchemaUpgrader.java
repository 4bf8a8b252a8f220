package org.slapos.master.store.sqlite.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a slapproxy database to schema {@value #VERSION}.
 *
 * <p>Every table name ends with the schema version ({@code partition17}, ...).
 * An empty database gets the tables of the bundled {@code schema.sql}; a
 * database whose tables all carry an older version is backed up to
 * {@code <database>-backup-<old>to<new>-<isoformat>.sql} and migrated; a
 * current one is left alone.
 *
 * <p>Migration: the new tables are created, then the rows of each old table
 * are copied into the table of the same base name with
 * {@code INSERT OR REPLACE}, matching columns by name (so duplicates collapse
 * on the new keys and NULLs going into {@code NOT NULL DEFAULT} columns take
 * the default), and the old table is dropped. From versions below 17, the
 * {@code local_software_release_root} table becomes the
 * {@code local_software_release_root} row of {@code config}, and each
 * partition's {@code requested_by} (a requester partition reference) is
 * replaced by the {@code partition_reference} (title) of the root of its
 * requester chain.
 *
 * <p>Unlike slapproxy, the whole check-backup-migrate sequence runs in one
 * transaction, taken with the write lock ({@code BEGIN IMMEDIATE}), and is
 * rolled back entirely on any error: the database is then left as it was.
 * When the caller's connection is not in auto-commit mode, the work is nested
 * in a savepoint and the caller commits.
 */
public final class SchemaUpgrader {

  /** Schema version written by this bundle; the first line of {@code schema.sql} says the same. */
  public static final int VERSION = 17;

  private static final Logger LOG = LoggerFactory.getLogger(SchemaUpgrader.class);
  private static final Pattern VERSION_SUFFIX = Pattern.compile("\\d+$");
  private static final String SCHEMA_RESOURCE = "schema.sql";
  private static final String ROOT_TABLE = "local_software_release_root";
  private static final String ROOT_CONFIG_NAME = "local_software_release_root";

  private final Path databaseFile;
  private final String computerId;

  /**
   * @param databaseFile the database file, next to which backups are written;
   *     {@code null} for a database without a file (in memory), which is then
   *     migrated without a backup
   * @param computerId the configured computer id, default of the
   *     {@code computer_reference} columns; any text without NUL characters
   */
  public SchemaUpgrader(Path databaseFile, String computerId) {
    this.databaseFile = databaseFile;
    this.computerId = Objects.requireNonNull(computerId, "computerId");
    if (computerId.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("computer id contains a NUL character");
    }
  }

  /** Creates the v17 tables on an empty DB; migrates older versions (backup first); no-op when current. */
  public void upgradeIfNeeded(Connection c) throws SQLException {
    try (Transaction tx = Transaction.begin(c, true)) {
      List<String> tables = listTables(c);
      if (tables.isEmpty()) {
        createSchema(c);
        tx.commit();
        return;
      }
      String suffix = versionSuffix(tables);
      if (suffix.equals(Integer.toString(VERSION))) {
        tx.commit();
        return;
      }
      int version = parseVersion(suffix, tables);
      if (version > VERSION) {
        throw new SQLException("The proxy database has schema version " + suffix
            + ", newer than version " + VERSION + " supported here; not touching it");
      }
      backup(c, suffix);
      LOG.info("Old schema detected: Migrating old tables...");
      createSchema(c);
      for (String table : tables) {
        migrateTable(c, table, table.substring(0, table.length() - suffix.length()), version);
      }
      tx.commit();
    }
  }

  /** The CREATE TABLE statements of schema {@value #VERSION} for this computer id. */
  List<String> schemaStatements() {
    String template = Template.TEXT;
    String text = SqlText.substitute(template,
        Map.of("version", Integer.toString(VERSION)),
        Map.of("computer", computerId));
    return SqlText.split(text);
  }

  private void createSchema(Connection c) throws SQLException {
    try (Statement statement = c.createStatement()) {
      for (String sql : schemaStatements()) {
        statement.executeUpdate(sql);
      }
    }
  }

  private void backup(Connection c, String oldVersion) throws SQLException {
    if (databaseFile == null) {
      LOG.warn("Old schema detected: the database has no file, migrating it without a backup");
      return;
    }
    Path target = Backups.name(databaseFile, oldVersion + "to" + VERSION + "-");
    LOG.info("Old schema detected: Creating a backup of current tables at {}", target);
    Backups.write(c, target);
  }

  private static List<String> listTables(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement statement = c.createStatement();
        ResultSet rs = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      while (rs.next()) {
        String name = rs.getString(1);
        if (!name.startsWith("sqlite_")) {
          tables.add(name);
        }
      }
    }
    return tables;
  }

  /** The common trailing digits of the table names, or a clear error when there is none. */
  private static String versionSuffix(List<String> tables) throws SQLException {
    Map<String, List<String>> byVersion = new TreeMap<>();
    List<String> unversioned = new ArrayList<>();
    for (String table : tables) {
      Matcher m = VERSION_SUFFIX.matcher(table);
      if (m.find()) {
        byVersion.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(table);
      } else {
        unversioned.add(table);
      }
    }
    if (!unversioned.isEmpty()) {
      throw new SQLException("Cannot upgrade the proxy database: table(s) " + unversioned
          + " have no schema version suffix; expected names like partition" + VERSION);
    }
    if (byVersion.size() > 1) {
      throw new SQLException("Cannot upgrade the proxy database: its tables mix schema versions "
          + byVersion.keySet() + " " + byVersion + "; repair or remove the stray tables first");
    }
    return byVersion.keySet().iterator().next();
  }

  private static int parseVersion(String suffix, List<String> tables) throws SQLException {
    try {
      return Integer.parseInt(suffix);
    } catch (NumberFormatException e) {
      throw new SQLException("Cannot upgrade the proxy database: unreadable schema version " + suffix
          + " of tables " + tables, e);
    }
  }

  private static void migrateTable(Connection c, String oldTable, String base, int version) throws SQLException {
    String target = base;
    try {
      Rows rows = Rows.read(c, oldTable);
      if (!rows.values.isEmpty()) {
        if (version < 17 && base.equals(ROOT_TABLE)) {
          rows = rootAsConfig(oldTable, rows);
          target = "config";
        } else if (version < 17 && base.equals("partition")) {
          rewriteRequestedBy(oldTable, rows);
        }
        insert(c, target + VERSION, rows);
      }
      try (Statement statement = c.createStatement()) {
        statement.executeUpdate("DROP TABLE " + SqlText.identifier(oldTable));
      }
    } catch (SQLException e) {
      throw new SQLException("Cannot migrate table " + oldTable + " to " + target + VERSION + ": "
          + e.getMessage() + " (the whole migration is rolled back)", e.getSQLState(), e.getErrorCode(), e);
    }
  }

  /** {@code local_software_release_root<v>(path)}: one distinct path, which becomes a config row. */
  private static Rows rootAsConfig(String oldTable, Rows rows) throws SQLException {
    int path = rows.column("path");
    if (path < 0) {
      throw new SQLException("table " + oldTable + " has no column path");
    }
    Set<Object> paths = new LinkedHashSet<>();
    for (Object[] row : rows.values) {
      paths.add(row[path]);
    }
    if (paths.size() != 1) {
      throw new SQLException("table " + oldTable + " holds " + paths.size()
          + " different root paths " + paths + " instead of one");
    }
    Rows config = new Rows(List.of("name", "value"));
    config.values.add(new Object[] {ROOT_CONFIG_NAME, paths.iterator().next()});
    return config;
  }

  /**
   * Old versions stored the requester's partition reference in
   * {@code requested_by}; version 17 stores the title of the root instance.
   * Follows each chain of requesters (looked up by partition reference, the
   * last row winning for a reference present on several computers) up to a
   * partition requested by nobody, and takes its {@code partition_reference}.
   */
  private static void rewriteRequestedBy(String oldTable, Rows rows) throws SQLException {
    int requestedBy = rows.column("requested_by");
    if (requestedBy < 0) {
      return;
    }
    int reference = rows.column("reference");
    int title = rows.column("partition_reference");
    if (reference < 0 || title < 0) {
      throw new SQLException("table " + oldTable + " has requested_by but lacks reference or partition_reference");
    }
    Map<String, Integer> byReference = new HashMap<>();
    for (int i = 0; i < rows.values.size(); i++) {
      byReference.put(Objects.toString(rows.values.get(i)[reference]), i);
    }
    Object[] rewritten = new Object[rows.values.size()];
    for (int i = 0; i < rows.values.size(); i++) {
      Object[] row = rows.values.get(i);
      rewritten[i] = row[requestedBy];
      if (isEmpty(row[requestedBy])) {
        continue;
      }
      Set<String> chain = new LinkedHashSet<>();
      chain.add(Objects.toString(row[reference]));
      String requester = row[requestedBy].toString();
      int root;
      while (true) {
        Integer j = byReference.get(requester);
        if (j == null) {
          throw new SQLException("partition " + row[reference] + " has requester chain " + chain + " -> "
              + requester + ", but no partition " + requester + " exists: cannot find its root instance");
        }
        if (!chain.add(requester)) {
          throw new SQLException("requested_by of partition " + row[reference] + " loops: " + chain + " -> " + requester);
        }
        Object next = rows.values.get(j)[requestedBy];
        if (isEmpty(next)) {
          root = j;
          break;
        }
        requester = next.toString();
      }
      rewritten[i] = rows.values.get(root)[title];
    }
    for (int i = 0; i < rewritten.length; i++) {
      rows.values.get(i)[requestedBy] = rewritten[i];
    }
  }

  private static boolean isEmpty(Object value) {
    return value == null || value.toString().isEmpty();
  }

  private static void insert(Connection c, String table, Rows rows) throws SQLException {
    StringBuilder sql = new StringBuilder("INSERT OR REPLACE INTO ").append(SqlText.identifier(table)).append(" (");
    StringBuilder marks = new StringBuilder();
    for (int i = 0; i < rows.columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(SqlText.identifier(rows.columns.get(i)));
      marks.append(i == 0 ? "?" : ", ?");
    }
    sql.append(") VALUES (").append(marks).append(')');
    try (PreparedStatement insert = c.prepareStatement(sql.toString())) {
      for (Object[] row : rows.values) {
        for (int i = 0; i < row.length; i++) {
          insert.setObject(i + 1, row[i]);
        }
        insert.executeUpdate();
      }
    }
  }

  /** All rows of a table, columns in table order, values as SQLite typed them. */
  private static final class Rows {
    final List<String> columns;
    final List<Object[]> values = new ArrayList<>();

    Rows(List<String> columns) {
      this.columns = columns;
    }

    int column(String name) {
      return columns.indexOf(name);
    }

    static Rows read(Connection c, String table) throws SQLException {
      try (Statement statement = c.createStatement();
          ResultSet rs = statement.executeQuery("SELECT * FROM " + SqlText.identifier(table))) {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.add(meta.getColumnName(i));
        }
        Set<String> distinct = new TreeSet<>(columns);
        if (distinct.size() != columns.size()) {
          throw new SQLException("table " + table + " has duplicate column names " + columns);
        }
        Rows rows = new Rows(columns);
        while (rs.next()) {
          Object[] row = new Object[columns.size()];
          for (int i = 0; i < row.length; i++) {
            row[i] = rs.getObject(i + 1);
          }
          rows.values.add(row);
        }
        return rows;
      }
    }
  }

  /** The schema template, read once from the bundle. */
  private static final class Template {
    static final String TEXT = load();

    private static String load() {
      String text;
      try (InputStream in = SchemaUpgrader.class.getResourceAsStream(SCHEMA_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("resource " + SCHEMA_RESOURCE + " missing from the bundle");
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + SCHEMA_RESOURCE, e);
      }
      String firstLine = text.lines().findFirst().orElse("").strip();
      if (!firstLine.equals("--version:" + VERSION)) {
        throw new IllegalStateException(SCHEMA_RESOURCE + " starts with '" + firstLine
            + "', expected '--version:" + VERSION + "'");
      }
      return text;
    }
  }
}
