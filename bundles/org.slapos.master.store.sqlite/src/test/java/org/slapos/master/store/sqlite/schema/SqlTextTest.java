package org.slapos.master.store.sqlite.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlTextTest {

  @Test
  void splitsOnStatementEndsOnly() {
    String script = "-- leading; comment 'with quote\n"
        + "CREATE TABLE \"a;b\" (x TEXT DEFAULT 'it''s; fine', [y;z] INT, `w;` INT); /* block; 'x */\n"
        + "INSERT INTO t VALUES('multi\nline;');\n"
        + "  ;  -- only a comment;\n"
        + "SELECT 1";
    assertEquals(List.of(
        "-- leading; comment 'with quote\nCREATE TABLE \"a;b\" (x TEXT DEFAULT 'it''s; fine', [y;z] INT, `w;` INT)",
        "/* block; 'x */\nINSERT INTO t VALUES('multi\nline;')",
        "-- only a comment;\nSELECT 1"), SqlText.split(script));
  }

  @Test
  void substitutesLiteralPlaceholdersWithQuotesDoubled() {
    String out = SqlText.substitute("CREATE TABLE t%(version)s (c DEFAULT '%(computer)s') -- %(computer)s",
        Map.of("version", "17"), Map.of("computer", "o'hara'); DROP TABLE x; --"));
    assertEquals("CREATE TABLE t17 (c DEFAULT 'o''hara''); DROP TABLE x; --') -- %(computer)s", out);
    assertEquals(1, SqlText.split(out).size());
  }

  @Test
  void rejectsLiteralPlaceholderOutsideLiteralsAndUnknownNames() {
    assertThrows(IllegalStateException.class,
        () -> SqlText.substitute("CREATE TABLE %(computer)s (x)", Map.of(), Map.of("computer", "c")));
    assertThrows(IllegalStateException.class,
        () -> SqlText.substitute("SELECT '%(nope)s'", Map.of(), Map.of("computer", "c")));
    assertThrows(IllegalStateException.class,
        () -> SqlText.substitute("SELECT 'unterminated", Map.of(), Map.of()));
  }

  @Test
  void quotesIdentifiersAndLiterals() {
    assertEquals("\"a\"\"b\"", SqlText.identifier("a\"b"));
    assertEquals("'a''b'", SqlText.literal("a'b"));
  }
}
