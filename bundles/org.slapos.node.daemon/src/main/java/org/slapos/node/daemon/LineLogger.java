package org.slapos.node.daemon;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** An output stream that hands every complete line to a consumer (a logger), for commands' output. */
final class LineLogger extends OutputStream {
  private final Consumer<String> sink;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  LineLogger(Consumer<String> sink) {
    this.sink = sink;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      flushLine();
    } else {
      line.write(b);
    }
  }

  @Override
  public synchronized void close() {
    if (line.size() > 0) {
      flushLine();
    }
  }

  private void flushLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (!text.isBlank()) {
      sink.accept(text.stripTrailing());
    }
  }
}
