package org.slapos.itest.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The node's remote shell reached as an operator reaches it: the OpenSSH client ({@code ssh}),
 * one connection per command, public-key authentication only, host key not checked (the tests
 * generate it). MINA stays off the test class path (see itests/pom.xml).
 */
public final class SshCommand {
  /** What one remote command gave; {@code exitStatus} 255 is OpenSSH's "could not connect or log in". */
  public record Result(int exitStatus, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }
  }

  /** A private key file and its {@code .pub}. */
  public record Key(Path privateKey, String publicLine) {
  }

  private final Path work;

  public SshCommand(Path work) {
    this.work = work;
  }

  /** A new ECDSA key pair made by {@code ssh-keygen}, in {@code work}. */
  public Key newKey(String name) throws IOException, InterruptedException {
    Path file = work.resolve(name);
    Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-C", name, "-f", file.toString())
        .redirectErrorStream(true).start();
    keygen.getOutputStream().close();
    String output = new String(keygen.getInputStream().readAllBytes());
    if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
      throw new IOException("ssh-keygen failed: " + output);
    }
    return new Key(file, Files.readString(Path.of(file + ".pub")).strip());
  }

  /** Writes an OpenSSH {@code authorized_keys} file holding the given public keys. */
  public static void writeAuthorizedKeys(Path file, Key... keys) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (Key key : keys) {
      lines.append(key.publicLine()).append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, lines);
  }

  /** Runs one command line on the remote shell at 127.0.0.1:port and waits for its end. */
  public Result run(int port, Key key, String command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-p", Integer.toString(port), "-i",
        key.privateKey().toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o",
        "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no", "-o", "StrictHostKeyChecking=no", "-o",
        "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20", "operator@127.0.0.1",
        command));
    Path out = Files.createTempFile(work, "ssh-out", ".txt");
    Path err = Files.createTempFile(work, "ssh-err", ".txt");
    Process ssh = new ProcessBuilder(line).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    ssh.getOutputStream().close();
    if (!ssh.waitFor(120, TimeUnit.SECONDS)) {
      ssh.destroyForcibly();
      throw new IOException("ssh '" + command + "' did not end");
    }
    try {
      return new Result(ssh.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
