package org.slapos.collect.impl;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.sqlite.SQLiteConfig;

/**
 * The collector's SQLite database ({@code var/data-log/collector.db}) with the original's tables and
 * columns, so that existing tools reading it keep working. Table names are constants of this class;
 * every value goes through a bound parameter.
 */
final class CollectorDatabase implements AutoCloseable {
  static final String FILE_NAME = "collector.db";
  /** Every table, in the original's order; {@code heating} is never garbage-collected. */
  static final List<String> TABLES = List.of("user", "folder", "computer", "system", "disk", "temperature", "heating");
  private static final List<String> SCHEMA = List.of(
      "create table if not exists user (partition text, pid real, process text, cpu_percent real, cpu_time real,"
          + " cpu_num_threads real, memory_percent real, memory_rss real, io_rw_counter real,"
          + " io_cycles_counter real, date text, time text, reported integer NULL DEFAULT 0)",
      "CREATE INDEX IF NOT EXISTS user_partition_date_time ON user (partition, date, time)",
      "create table if not exists folder (partition text, disk_used real, date text, time text,"
          + " reported integer NULL DEFAULT 0)",
      "create table if not exists computer (cpu_num_core real, cpu_frequency real, cpu_type text,"
          + " memory_size real, memory_type text, partition_list text, date text, time text,"
          + " reported integer NULL DEFAULT 0)",
      "create table if not exists system (loadavg real, cpu_percent real, memory_used real, memory_free real,"
          + " net_in_bytes real, net_in_errors real, net_in_dropped real, net_out_bytes real,"
          + " net_out_errors real, net_out_dropped real, date text, time text, reported integer NULL DEFAULT 0)",
      "create table if not exists disk (partition text, used text, free text, mountpoint text, date text,"
          + " time text, reported integer NULL DEFAULT 0)",
      "create table if not exists temperature (sensor_id name, temperature real, alarm integer, date text,"
          + " time text, reported integer NULL DEFAULT 0)",
      "create table if not exists heating (model_id name, sensor_id name, initial_temperature real,"
          + " final_temperature real, delta_time real, zero_emission_ratio real, date text, time text,"
          + " reported integer NULL DEFAULT 0)");

  private final Connection connection;

  private CollectorDatabase(Connection connection) {
    this.connection = connection;
  }

  /** Opens (and creates) the database in {@code directory}. */
  static CollectorDatabase open(Path directory) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    // The original keeps its journal in memory too: the database is a cache of figures, not a ledger.
    config.setJournalMode(SQLiteConfig.JournalMode.MEMORY);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.setBusyTimeout(30_000);
    // Created through the driver class, not DriverManager, which cannot see it from a bundle.
    Connection connection = config.createConnection("jdbc:sqlite:" + directory.resolve(FILE_NAME));
    try {
      try (Statement statement = connection.createStatement()) {
        for (String sql : SCHEMA) {
          statement.execute(sql);
        }
        for (String table : TABLES) {
          statement.execute("CREATE INDEX IF NOT EXISTS " + table + "_date_reported_index ON " + table
              + " (date, reported)");
        }
      }
      connection.setAutoCommit(false);
      return new CollectorDatabase(connection);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  void insertProcesses(String user, List<ProcessFigures> processes, String date, String time) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("insert into user(partition, pid, process,"
        + " cpu_percent, cpu_time, cpu_num_threads, memory_percent, memory_rss, io_rw_counter, io_cycles_counter,"
        + " date, time) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (ProcessFigures process : processes) {
        insert.setString(1, user);
        insert.setDouble(2, process.pid());
        insert.setString(3, process.process());
        insert.setDouble(4, process.cpuPercent());
        insert.setDouble(5, process.cpuTime());
        insert.setDouble(6, process.threads());
        insert.setDouble(7, process.memoryPercent());
        insert.setDouble(8, process.memoryRss());
        insert.setDouble(9, process.ioBytes());
        insert.setDouble(10, process.ioOperations());
        insert.setString(11, date);
        insert.setString(12, time);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  void insertFolder(String user, double diskUsedKib, String date, String time) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "insert into folder(partition, disk_used, date, time) values (?, ?, ?, ?)")) {
      insert.setString(1, user);
      insert.setDouble(2, diskUsedKib);
      insert.setString(3, date);
      insert.setString(4, time);
      insert.executeUpdate();
    }
  }

  void insertNode(NodeFigures node, String date, String time) throws SQLException {
    try (PreparedStatement computer = connection.prepareStatement("insert into computer(cpu_num_core,"
        + " cpu_frequency, cpu_type, memory_size, memory_type, partition_list, date, time)"
        + " values (?, ?, ?, ?, ?, ?, ?, ?)")) {
      computer.setDouble(1, node.cores());
      // The original stores 0 for frequency, CPU type and memory type (psutil does not know them).
      computer.setDouble(2, 0);
      computer.setString(3, "0");
      computer.setDouble(4, node.memoryTotal());
      computer.setString(5, "0");
      StringBuilder partitions = new StringBuilder();
      for (NodeFigures.Disk disk : node.disks()) {
        partitions.append(partitions.length() == 0 ? "" : ";").append(disk.device()).append('=').append(disk.total());
      }
      computer.setString(6, partitions.toString());
      computer.setString(7, date);
      computer.setString(8, time);
      computer.executeUpdate();
    }
    try (PreparedStatement system = connection.prepareStatement("insert into system(loadavg, cpu_percent,"
        + " memory_used, memory_free, net_in_bytes, net_in_errors, net_in_dropped, net_out_bytes, net_out_errors,"
        + " net_out_dropped, date, time) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      double[] values = {node.loadAverage(), node.cpuPercent(), node.memoryUsed(), node.memoryFree(),
          node.netInBytes(), node.netInErrors(), node.netInDropped(), node.netOutBytes(), node.netOutErrors(),
          node.netOutDropped()};
      for (int i = 0; i < values.length; i++) {
        system.setDouble(i + 1, values[i]);
      }
      system.setString(11, date);
      system.setString(12, time);
      system.executeUpdate();
    }
    try (PreparedStatement disk = connection.prepareStatement(
        "insert into disk(partition, used, free, mountpoint, date, time) values (?, ?, ?, ?, ?, ?)")) {
      for (NodeFigures.Disk each : node.disks()) {
        disk.setString(1, each.device());
        // text columns holding integers, as the original's unquoted values give them
        disk.setLong(2, each.used());
        disk.setLong(3, each.free());
        disk.setString(4, each.mountPoint());
        disk.setString(5, date);
        disk.setString(6, time);
        disk.addBatch();
      }
      disk.executeBatch();
    }
  }

  /** The date and time of the user's latest {@code folder} row, as {@code YYYY-MM-DD HH:MM:SS}. */
  Optional<String> lastFolderMeasure(String user) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "select date, time from folder where partition = ? order by date desc, time desc limit 1")) {
      select.setString(1, user);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1) + " " + rows.getString(2)) : Optional.empty();
      }
    }
  }

  /** {@code SUM(column)/COUNT(column)} of a table for a day; empty when the day has no row. */
  OptionalDouble dayAverage(String table, String column, String date) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "select sum(" + column + ")/count(" + column + ") from " + table + " where date = ?")) {
      select.setString(1, date);
      return singleDouble(select);
    }
  }

  /**
   * A user's day total of {@code column} divided by its number of distinct sample times (the original's
   * per-partition average); empty when the user has no row that day.
   */
  OptionalDouble userDayAverage(String table, String column, String user, String date) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("select sum(" + column
        + ") / count(distinct time) from " + table + " where date = ? and partition = ?")) {
      select.setString(1, date);
      select.setString(2, user);
      return singleDouble(select);
    }
  }

  /** The ratio of the latest heating test, -1 when there was none (as the original). */
  double lastZeroEmissionRatio() throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "select zero_emission_ratio from heating order by date, time desc limit 1")) {
      OptionalDouble ratio = singleDouble(select);
      return ratio.orElse(-1);
    }
  }

  private static OptionalDouble singleDouble(PreparedStatement select) throws SQLException {
    try (ResultSet rows = select.executeQuery()) {
      if (!rows.next()) {
        return OptionalDouble.empty();
      }
      double value = rows.getDouble(1);
      return rows.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
  }

  /** The past days (not {@code today}) whose {@code system} rows are not reported yet. */
  List<String> unreportedDaysBefore(String today) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "select date from system where reported = 0 and date != ? group by date order by date")) {
      select.setString(1, today);
      List<String> days = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          days.add(rows.getString(1));
        }
      }
      return days;
    }
  }

  /** Every row of a table for a day, each as strings (null for SQL NULL), in insertion order. */
  List<List<String>> dayRows(String table, String date) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("select * from " + table + " where date = ?")) {
      select.setString(1, date);
      List<List<String>> result = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        ResultSetMetaData meta = rows.getMetaData();
        while (rows.next()) {
          List<String> row = new ArrayList<>(meta.getColumnCount());
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = rows.getObject(i);
            row.add(value == null ? null : value instanceof Double number ? PythonNumbers.repr(number) : value.toString());
          }
          result.add(row);
        }
      }
      return result;
    }
  }

  void markReported(String date) throws SQLException {
    for (String table : TABLES) {
      try (PreparedStatement update = connection.prepareStatement(
          "update " + table + " set reported = 1 where date = ? and reported = 0")) {
        update.setString(1, date);
        update.executeUpdate();
      }
    }
  }

  /**
   * Deletes the reported rows dated outside {@code [oldestKept, newestKept]} from every table but
   * {@code heating}; VACUUMs when something went. Returns the number of rows deleted.
   */
  int dropReportedOutside(String oldestKept, String newestKept) throws SQLException {
    int deleted = 0;
    for (String table : TABLES) {
      if (table.equals("heating")) {
        continue;
      }
      String where = oldestKept == null ? "reported = 1" : "reported = 1 and (date < ? or date > ?)";
      try (PreparedStatement delete = connection.prepareStatement("delete from " + table + " where " + where)) {
        if (oldestKept != null) {
          delete.setString(1, oldestKept);
          delete.setString(2, newestKept);
        }
        deleted += delete.executeUpdate();
      }
    }
    commit();
    if (deleted > 0) {
      connection.setAutoCommit(true);
      try (Statement vacuum = connection.createStatement()) {
        vacuum.execute("VACUUM");
      } finally {
        connection.setAutoCommit(false);
      }
    }
    return deleted;
  }

  void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
