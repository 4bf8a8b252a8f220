package org.slapos.master.shell;

import org.slapos.command.api.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.master.store.sqlite.SqliteStoreInspector;

/** {@code slapos proxy show} prints what the Python command prints (goldens made with slapos.core 1.24). */
class ProxyShowCommandTest {
  @TempDir
  Path dir;

  static String resource(String name) throws IOException {
    try (InputStream in = ProxyShowCommandTest.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  Path database(String script) throws Exception {
    Path db = dir.resolve("proxy.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.executeUpdate(resource(script));
    }
    return db;
  }

  Path config(String body) throws IOException {
    Path cfg = dir.resolve("slapos.cfg");
    Files.writeString(cfg, body);
    return cfg;
  }

  String show(TestContext context, String... args) throws Exception {
    assertEquals(0, new ProxyShowCommand(new SqliteStoreInspector()).run(context, List.of(args)));
    return context.stdout();
  }

  @Test
  void everythingByDefault() throws Exception {
    Path db = database("database_dump_version_current.sql");
    Path cfg = config("[slapos]\ncomputer_id = slaprunner\n[slapproxy]\ndatabase_uri = " + db + "\n");
    String expected = resource("proxy_show_dump_all.txt").replace("@DB@", db.toString());
    assertEquals(expected, show(new TestContext(dir), "--cfg", cfg.toString()));
  }

  @Test
  void selectedSectionsInTheirUsualOrder() throws Exception {
    Path db = database("database_dump_version_current.sql");
    Path cfg = config("[slapproxy]\ndatabase_uri = /nonexistent.db\n");
    String expected = resource("proxy_show_dump_network_computers.txt").replace("@DB@", db.toString());
    assertEquals(expected, show(new TestContext(dir), "--network", "--cfg", cfg.toString(), "--computers", "-u",
        db.toString()));
  }

  @Test
  void nullsFloatsNonAsciiAndJson() throws Exception {
    Path db = database("proxy_show_fixture.sql");
    Path cfg = config("[slapproxy]\ndatabase_uri = proxy.db\n");
    TestContext context = new TestContext(dir);
    context.environment.put("SLAPOS_CONFIGURATION", cfg.toString());
    assertEquals(resource("proxy_show_fixture_all.txt").replace("@DB@", "proxy.db"), show(context));
    TestContext slaves = new TestContext(dir);
    slaves.environment.put("SLAPOS_CONFIGURATION", cfg.toString());
    assertEquals(resource("proxy_show_fixture_slaves_params.txt").replace("@DB@", "proxy.db"),
        show(slaves, "--slaves", "--params"));
  }

  @Test
  void errors() throws Exception {
    TestContext context = new TestContext(dir);
    CommandFailure missingConfig = assertThrows(CommandFailure.class,
        () -> new ProxyShowCommand(new SqliteStoreInspector()).run(context, List.of("--cfg", dir.resolve("no.cfg").toString())));
    assertTrue(missingConfig.getMessage().startsWith("Configuration file does not exist: "), missingConfig.getMessage());
    Path cfg = config("[slapos]\ncomputer_id = c\n");
    CommandFailure noDatabase = assertThrows(CommandFailure.class,
        () -> new ProxyShowCommand(new SqliteStoreInspector()).run(context, List.of("--cfg", cfg.toString())));
    assertEquals("database-uri is required.", noDatabase.getMessage());
    CommandFailure missingDatabase = assertThrows(CommandFailure.class,
        () -> new ProxyShowCommand(new SqliteStoreInspector()).run(context, List.of("--cfg", cfg.toString(), "-u",
            "missing.db")));
    assertTrue(missingDatabase.getMessage().contains("does not exist"), missingDatabase.getMessage());
    assertTrue(Files.notExists(dir.resolve("missing.db")), "proxy show never creates a database");
  }

  @Test
  void usageErrorsAreArgparses() throws Exception {
    TestContext context = new TestContext(dir);
    assertEquals(2, new ProxyShowCommand(new SqliteStoreInspector()).run(context, List.of("--bogus")));
    assertTrue(context.stderr().startsWith("usage: slapos proxy show [-h] [--cfg CFG] [-u DATABASE_URI]"),
        context.stderr());
    assertTrue(context.stderr().endsWith("slapos proxy show: error: unrecognized arguments: --bogus\n"),
        context.stderr());
    TestContext noValue = new TestContext(dir);
    assertEquals(2, new ProxyShowCommand(new SqliteStoreInspector()).run(noValue, List.of("-u")));
    assertTrue(noValue.stderr().endsWith(
        "slapos proxy show: error: argument -u/--database-uri: expected one argument\n"), noValue.stderr());
  }

  @Test
  void helpIsArgparsesAndOptionNamesComeFromTheSyntax() throws Exception {
    TestContext context = new TestContext(dir);
    ProxyShowCommand command = new ProxyShowCommand(new SqliteStoreInspector());
    assertEquals(0, command.run(context, List.of("--computers", "-h")));
    assertTrue(context.stdout().contains("\ndisplay proxy instances and parameters\n"), context.stdout());
    assertTrue(context.stdout().contains("  -u DATABASE_URI, --database-uri DATABASE_URI\n"), context.stdout());
    assertEquals(ProxyShowCommand.SYNTAX.optionNames(), command.optionNames());
    assertTrue(command.optionNames().containsAll(List.of("-u", "--database-uri", "--cfg", "--network", "-h")));
  }

  @Test
  void prettyTableCentresLikePython() {
    assertEquals("  ab  ", PrettyTable.center("ab", 6));
    assertEquals(" abc  ", PrettyTable.center("abc", 6));
    assertEquals("  ab ", PrettyTable.center("ab", 5));
    assertEquals(List.of("-------", " a  b  ", "-------", " 1 xyz ", "-------"),
        PrettyTable.lines(List.of("a", "b"), List.of(List.of("1", "xyz"))));
  }
}
