package org.slapos.shell.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Line input for a client that asked for a terminal (PTY): the remote terminal is in raw mode, so
 * the server echoes what is typed and does the little line editing a shell needs. Backspace
 * erases a character, Ctrl-U the line, Ctrl-C abandons the line, Ctrl-D on an empty line ends the
 * input; cursor and function keys (escape sequences) are swallowed.
 */
final class TerminalLineReader {
  private static final char CTRL_C = 0x03;
  private static final char CTRL_D = 0x04;
  private static final char BACKSPACE = 0x08;
  private static final char CTRL_U = 0x15;
  private static final char ESCAPE = 0x1b;
  private static final char DELETE = 0x7f;

  private final Reader in;
  private final OutputStream echo;
  private boolean afterCarriageReturn;

  TerminalLineReader(Reader in, OutputStream echo) {
    this.in = in;
    this.echo = echo;
  }

  /**
   * The next line typed, without its end; an empty line after Ctrl-C (the shell prompts again);
   * null at the end of input or on Ctrl-D at the start of a line.
   */
  String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int read = in.read();
      if (read < 0) {
        return null;
      }
      char c = (char) read;
      boolean lineFeedAfterReturn = afterCarriageReturn && c == '\n';
      afterCarriageReturn = c == '\r';
      if (lineFeedAfterReturn) {
        continue; // "\r\n" from the client is one end of line
      }
      switch (c) {
        case '\r', '\n' -> {
          write("\r\n");
          return line.toString();
        }
        case CTRL_C -> {
          write("^C\r\n");
          return "";
        }
        case CTRL_D -> {
          if (line.isEmpty()) {
            write("\r\n");
            return null;
          }
        }
        case BACKSPACE, DELETE -> erase(line, 1);
        case CTRL_U -> erase(line, line.codePointCount(0, line.length()));
        case ESCAPE -> skipEscapeSequence();
        default -> {
          if (c >= ' ' || c == '\t') {
            line.append(c);
            // A character outside the BMP arrives as two chars: echo it whole, once both are in.
            if (Character.isLowSurrogate(c) && line.length() >= 2
                && Character.isHighSurrogate(line.charAt(line.length() - 2))) {
              write(line.substring(line.length() - 2));
            } else if (!Character.isSurrogate(c)) {
              write(String.valueOf(c));
            }
          }
        }
      }
    }
  }

  private void erase(StringBuilder line, int codePoints) throws IOException {
    for (int i = 0; i < codePoints && !line.isEmpty(); i++) {
      int end = line.length();
      int start = Character.isLowSurrogate(line.charAt(end - 1)) && end >= 2
          && Character.isHighSurrogate(line.charAt(end - 2)) ? end - 2 : end - 1;
      line.setLength(start);
      write("\b \b");
    }
  }

  /** ESC [ params final, ESC O final, or ESC followed by one character. */
  private void skipEscapeSequence() throws IOException {
    int next = in.read();
    if (next != '[' && next != 'O') {
      return;
    }
    int c;
    do {
      c = in.read();
    } while (c >= 0 && (c < 0x40 || c > 0x7e));
  }

  private void write(String text) throws IOException {
    echo.write(text.getBytes(StandardCharsets.UTF_8));
    echo.flush();
  }
}
