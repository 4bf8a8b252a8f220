package org.slapos.shell.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalOutputStreamTest {
  @Test
  void lineFeedsBecomeCarriageReturnLineFeedsOnce() throws Exception {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (TerminalOutputStream out = new TerminalOutputStream(raw)) {
      out.write("a\nb\r\nc\n\n".getBytes(StandardCharsets.UTF_8));
      out.write('d');
      out.write('\r');
      out.write("\nx".getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    assertEquals("a\r\nb\r\nc\r\n\r\nd\r\nx\r\n", raw.toString(StandardCharsets.UTF_8));
  }
}
