package org.slapos.cache.shell;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slapos.command.api.CommandContext;

/** A command context with captured output, a given environment and working directory. */
final class TestContext implements CommandContext {
  final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  final ByteArrayOutputStream errBytes = new ByteArrayOutputStream() {
    @Override
    public synchronized void write(byte[] b, int off, int len) {
      super.write(b, off, len);
      notifyAll();
    }

    @Override
    public synchronized void write(int b) {
      super.write(b);
      notifyAll();
    }
  };
  final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  final Map<String, String> environment = new HashMap<>();
  final Map<String, String> properties = new HashMap<>();
  final Path workingDirectory;

  TestContext(Path workingDirectory) {
    this.workingDirectory = workingDirectory;
  }

  String stdout() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  String stderr() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  /** Waits until standard error contains {@code text}; false after {@code seconds}. */
  boolean awaitStderr(String text, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    synchronized (errBytes) {
      while (!stderr().contains(text)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(errBytes, left);
      }
      return true;
    }
  }

  @Override
  public PrintStream out() {
    return out;
  }

  @Override
  public PrintStream err() {
    return err;
  }

  @Override
  public InputStream in() {
    return new ByteArrayInputStream(new byte[0]);
  }

  @Override
  public Map<String, String> environment() {
    return environment;
  }

  @Override
  public Path workingDirectory() {
    return workingDirectory;
  }

  @Override
  public Path homeDirectory() {
    return workingDirectory;
  }

  @Override
  public boolean debug() {
    return false;
  }

  @Override
  public int verbosity() {
    return 0;
  }

  @Override
  public boolean interactive() {
    return false;
  }

  @Override
  public Optional<String> property(String name) {
    return Optional.ofNullable(properties.get(name));
  }
}
