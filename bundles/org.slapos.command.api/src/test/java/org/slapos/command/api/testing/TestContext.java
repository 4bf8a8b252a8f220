package org.slapos.command.api.testing;

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

/**
 * A command context for command tests: captured output, a given environment, properties and working
 * directory (also the home). Shared by the command bundles' tests through this module's test-jar.
 */
public final class TestContext implements CommandContext {
  public final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  public final ByteArrayOutputStream errBytes = new ByteArrayOutputStream() {
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
  public final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  public final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  public final Map<String, String> environment = new HashMap<>();
  public final Map<String, String> properties = new HashMap<>();
  public final Path workingDirectory;
  /** How many times the command handed its services to the runtime. */
  public final java.util.concurrent.atomic.AtomicInteger keptRunning = new java.util.concurrent.atomic.AtomicInteger();

  public TestContext(Path workingDirectory) {
    this.workingDirectory = workingDirectory;
  }

  public String stdout() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  public String stderr() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  /** Waits until standard error contains {@code text}; false after {@code seconds}. */
  public boolean awaitStderr(String text, long seconds) throws InterruptedException {
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

  @Override
  public void keepRuntimeRunning() {
    keptRunning.incrementAndGet();
  }
}
