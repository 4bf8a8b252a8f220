package org.slapos.shell.ssh;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Output to a client terminal in raw mode: a line feed alone would not return the cursor to the
 * left margin, so {@code \n} becomes {@code \r\n} (the terminal's "onlcr" setting, done here).
 */
final class TerminalOutputStream extends FilterOutputStream {
  private int previous = -1;

  TerminalOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    if (b == '\n' && previous != '\r') {
      out.write('\r');
    }
    out.write(b);
    previous = b;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    int start = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (bytes[i] == '\n' && (i == offset ? previous : bytes[i - 1]) != '\r') {
        out.write(bytes, start, i - start);
        out.write('\r');
        start = i;
      }
    }
    out.write(bytes, start, end - start);
    if (length > 0) {
      previous = bytes[end - 1];
    }
  }
}
