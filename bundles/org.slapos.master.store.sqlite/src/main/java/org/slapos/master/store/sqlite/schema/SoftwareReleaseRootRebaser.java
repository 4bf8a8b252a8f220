package org.slapos.master.store.sqlite.schema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps local software release URLs valid when the whole local software
 * release tree moved (for example a webrunner copied elsewhere).
 *
 * <p>The database remembers the configured {@code local_software_release_root}
 * in {@code config17} (absent means {@code /}). When the configured root
 * differs from the stored one, the new root is stored; if the new root is
 * neither inside nor above the old one, the database is first backed up to
 * {@code <database>-backup-<isoformat>.sql} and every {@code software17.url}
 * and {@code partition17.software_release} that is a plain path under the old
 * root is rewritten to the same relative path under the new root, unless that
 * new path is not a file while the old one is. Paths are handled as text with
 * POSIX semantics, like slapproxy's {@code os.path}; relative ones are taken
 * from the working directory.
 *
 * <p>Everything runs in one transaction, rolled back on error (slapproxy stores
 * the new root before the backup, in auto-commit mode). The backup therefore
 * shows the database as it was before any change.
 */
public final class SoftwareReleaseRootRebaser {

  static final String DEFAULT_ROOT = "/";
  static final String CONFIG_NAME = "local_software_release_root";

  private static final Logger LOG = LoggerFactory.getLogger(SoftwareReleaseRootRebaser.class);

  private final Path databaseFile;

  /**
   * @param databaseFile the database file, next to which the backup is
   *     written; {@code null} for a database without a file (no backup)
   */
  public SoftwareReleaseRootRebaser(Path databaseFile) {
    this.databaseFile = databaseFile;
  }

  /**
   * Stores the configured local software-release root and rebases local SR paths when the root moved.
   *
   * @param configuredRoot the configured {@code local_software_release_root};
   *     {@code null} or empty means the default {@code /}
   */
  public void rebaseIfNeeded(Connection c, String configuredRoot) throws SQLException {
    String newRoot = configuredRoot == null || configuredRoot.isEmpty() ? DEFAULT_ROOT : configuredRoot;
    String cwd = System.getProperty("user.dir");
    try (Transaction tx = Transaction.begin(c, true)) {
      String currentRoot = storedRoot(c);
      if (currentRoot.equals(newRoot)) {
        tx.commit();
        return;
      }
      String relative = PosixPaths.relpath(newRoot, currentRoot, cwd);
      if (relative.equals("..") || (relative.startsWith("../") && PosixPaths.basename(relative).equals(".."))) {
        LOG.info("Do not rebase any URLs because {} is a superpath of {}", newRoot, currentRoot);
        storeRoot(c, newRoot);
        tx.commit();
        return;
      }
      if (!relative.startsWith("../")) {
        LOG.info("Do not rebase any URLs because {} is a subpath of {}", newRoot, currentRoot);
        storeRoot(c, newRoot);
        tx.commit();
        return;
      }
      if (databaseFile != null) {
        Path backup = Backups.name(databaseFile, "");
        LOG.info("Backuping database to {}", backup);
        Backups.write(c, backup);
      } else {
        LOG.warn("The database has no file, rebasing URLs without a backup");
      }
      storeRoot(c, newRoot);
      LOG.info("Rebase URLs on local software release root path");
      LOG.info("Old root path: {}", currentRoot);
      LOG.info("New root path: {}", newRoot);
      UrlRebase rebase = new UrlRebase(currentRoot, newRoot, cwd);
      rebaseColumn(c, "software", "url", rebase);
      rebaseColumn(c, "partition", "software_release", rebase);
      tx.commit();
    }
  }

  private static String storedRoot(Connection c) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(
        "SELECT value FROM config" + SchemaUpgrader.VERSION + " WHERE name = ?")) {
      select.setString(1, CONFIG_NAME);
      try (ResultSet rs = select.executeQuery()) {
        String value = rs.next() ? rs.getString(1) : null;
        return value == null ? DEFAULT_ROOT : value;
      }
    }
  }

  private static void storeRoot(Connection c, String root) throws SQLException {
    try (PreparedStatement upsert = c.prepareStatement(
        "INSERT OR REPLACE INTO config" + SchemaUpgrader.VERSION + " (name, value) VALUES (?, ?)")) {
      upsert.setString(1, CONFIG_NAME);
      upsert.setString(2, root);
      upsert.executeUpdate();
    }
  }

  private static void rebaseColumn(Connection c, String base, String column, UrlRebase rebase) throws SQLException {
    String table = base + SchemaUpgrader.VERSION;
    List<Object[]> rows = new ArrayList<>();
    try (Statement statement = c.createStatement();
        ResultSet rs = statement.executeQuery("SELECT rowid, " + column + " FROM " + table)) {
      while (rs.next()) {
        rows.add(new Object[] {rs.getLong(1), rs.getObject(2)});
      }
    }
    try (PreparedStatement update = c.prepareStatement(
        "UPDATE " + table + " SET " + column + " = ? WHERE rowid = ?")) {
      for (Object[] row : rows) {
        Object value = row[1];
        String url = value instanceof String ? (String) value : null;
        LOG.debug("Examining URL {}", value);
        String rebased = rebase.apply(url);
        if (rebased == null || rebased.equals(url)) {
          continue;
        }
        update.setString(1, rebased);
        update.setLong(2, (Long) row[0]);
        try {
          update.executeUpdate();
        } catch (SQLException e) {
          throw new SQLException("Cannot rebase " + table + "." + column + " from " + url + " to " + rebased
              + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
      }
    }
  }

  /** The per-URL decision, with slapproxy's debug messages. */
  static final class UrlRebase {
    private final String oldRoot;
    private final String newRoot;
    private final String cwd;

    UrlRebase(String oldRoot, String newRoot, String cwd) {
      this.oldRoot = oldRoot;
      this.newRoot = newRoot;
      this.cwd = cwd;
    }

    /** The rebased URL, or {@code url} itself when it must stay. */
    String apply(String url) {
      if (url == null || url.isEmpty() || PosixPaths.hasScheme(url)) {
        LOG.debug("  Do not rebase because it is not a path");
        return url;
      }
      String relative = PosixPaths.relpath(url, oldRoot, cwd);
      if (relative.startsWith("../")) {
        LOG.debug("  Do not rebase because it is not a subpath of {}", oldRoot);
        return url;
      }
      String rebased = PosixPaths.join(newRoot, relative);
      if (!PosixPaths.isFile(rebased) && PosixPaths.isFile(url)) {
        LOG.debug("  Do not rebase because it refers to an existing file but {} does not", rebased);
        return url;
      }
      LOG.debug("  Migrate to rebased URL {}", rebased);
      return rebased;
    }
  }
}
