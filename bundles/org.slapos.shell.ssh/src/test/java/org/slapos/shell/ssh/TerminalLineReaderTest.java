package org.slapos.shell.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalLineReaderTest {
  private final ByteArrayOutputStream echo = new ByteArrayOutputStream();

  private TerminalLineReader reader(String typed) {
    return new TerminalLineReader(new StringReader(typed), echo);
  }

  private String echoed() {
    return echo.toString(StandardCharsets.UTF_8);
  }

  @Test
  void echoesWhatIsTypedAndEndsTheLineOnReturn() throws Exception {
    TerminalLineReader reader = reader("lb\rhelp\r\nnext\n");
    assertEquals("lb", reader.readLine());
    assertEquals("help", reader.readLine());
    assertEquals("next", reader.readLine());
    assertNull(reader.readLine());
    assertEquals("lb\r\nhelp\r\nnext\r\n", echoed());
  }

  @Test
  void backspaceAndDeleteEraseOneCharacterEvenASurrogatePair() throws Exception {
    TerminalLineReader reader = reader("lbxy\u007f\b \uD83D\uDE00\u007f\r\u007f\r");
    assertEquals("lb ", reader.readLine());
    assertEquals("", reader.readLine());
    assertEquals("lbxy\b \b\b \b \uD83D\uDE00\b \b\r\n\r\n", echoed());
  }

  @Test
  void ctrlUErasesTheLineAndCtrlCAbandonsIt() throws Exception {
    TerminalLineReader reader = reader("abc\u0015d\rstop\u0003");
    assertEquals("d", reader.readLine());
    assertEquals("", reader.readLine());
    assertEquals("abc\b \b\b \b\b \bd\r\nstop^C\r\n", echoed());
  }

  @Test
  void ctrlDEndsTheInputOnlyOnAnEmptyLine() throws Exception {
    TerminalLineReader reader = reader("ab\u0004c\r\u0004more\r");
    assertEquals("abc", reader.readLine());
    assertNull(reader.readLine());
  }

  @Test
  void escapeSequencesAndOtherControlCharactersAreSwallowed() throws Exception {
    TerminalLineReader reader = reader("l\u001b[A\u001b[1;5Cb\u001bOP\u0001\u001bx\r");
    assertEquals("lb", reader.readLine());
    assertEquals("lb\r\n", echoed());
  }
}
