package org.slapos.itest.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * An SSH client for the node's remote shell, as an operator uses it: one connection per command,
 * public-key authentication, the {@code exec} channel. The host key is not checked (the tests
 * generate it).
 */
public final class SshCommand implements AutoCloseable {
  /** What one remote command gave. */
  public record Result(int exitStatus, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }
  }

  private final SshClient client;

  private SshCommand(SshClient client) {
    this.client = client;
  }

  public static SshCommand start() {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    client.start();
    return new SshCommand(client);
  }

  /** A new ECDSA key pair (ed25519 would need an EdDSA provider). */
  public static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  /** Writes an OpenSSH {@code authorized_keys} file holding the given keys' public halves. */
  public static void writeAuthorizedKeys(Path file, KeyPair... keys) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (KeyPair key : keys) {
      lines.append(PublicKeyEntry.toString(key.getPublic())).append(" operator@test\n");
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, lines);
  }

  /** Runs one command line on the remote shell and waits for its end. */
  public Result run(int port, KeyPair key, String command, Duration timeout) throws IOException {
    try (ClientSession session = client.connect("operator", "127.0.0.1", port).verify(timeout).getSession()) {
      session.addPublicKeyIdentity(key);
      session.auth().verify(timeout);
      try (ChannelExec channel = session.createExecChannel(command)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        channel.setOut(out);
        channel.setErr(err);
        channel.open().verify(timeout);
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
        Integer status = channel.getExitStatus();
        return new Result(status == null ? -1 : status, out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8));
      }
    }
  }

  @Override
  public void close() {
    client.stop();
  }
}
