package org.slapos.collect.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Real partition users for tests that run as root: {@code useradd} on creation, every process killed
 * and {@code userdel} on {@link #close()}, so a failing test leaves nothing behind.
 */
final class TestUsers implements AutoCloseable {
  final String baseName;
  private final List<String> created = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  TestUsers() {
    // Short and random: user names have at most 32 characters and runs must not collide.
    this.baseName = "sct" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36) + "u";
  }

  static boolean runningAsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  String create(int index) throws IOException, InterruptedException {
    String name = baseName + index;
    run("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group", name);
    created.add(name);
    return name;
  }

  /** Starts {@code sleep} as {@code user}; setpriv execs it, so the returned pid is the sleep's own. */
  Process sleepAs(String user) throws IOException, InterruptedException {
    String uid = output("id", "-u", user);
    String gid = output("id", "-g", user);
    Process process = new ProcessBuilder("setpriv", "--reuid", uid, "--regid", gid, "--clear-groups",
        "sleep", "600").redirectErrorStream(true).start();
    processes.add(process);
    return process;
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output.strip());
    }
  }

  private static String output(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed");
    }
    return output;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    IOException failure = null;
    for (String name : created) {
      try {
        run("userdel", name);
      } catch (IOException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
