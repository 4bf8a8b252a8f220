package org.slapos.itest.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bin/slapos ...} process run to its end, as a user runs it: its exit code and what it
 * printed on standard output and standard error (kept in files under {@code work}).
 */
public record SlaposRun(int exitCode, String stdout, String stderr) {

  /** Runs {@code bin/slapos ARGS} (property {@code slapos.bin}, default {@code ../bin/slapos}) with no input. */
  public static SlaposRun of(Path work, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("slapos.bin", "../bin/slapos")).toAbsolutePath().toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    process.getOutputStream().close();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("slapos " + String.join(" ", args) + " did not end");
    }
    return new SlaposRun(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
