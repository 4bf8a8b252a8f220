package org.slapos.shell.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/** A MINA SSH client on loopback for the tests: no ~/.ssh, the server's host key checked. */
final class SshTestClient implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** What a command or a shell session gave back. */
  record Outcome(int status, String out, String err) {
  }

  private final SshClient client;
  private volatile PublicKey lastServerKey;

  SshTestClient() {
    client = SshClient.setUpDefaultClient();
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setServerKeyVerifier((session, address, key) -> {
      lastServerKey = key;
      return true;
    });
    client.start();
  }

  /** The host key the server presented last. */
  PublicKey lastServerKey() {
    return lastServerKey;
  }

  /** An authenticated session with {@code key}; throws when the server refuses it. */
  ClientSession login(InetSocketAddress server, KeyPair key) throws IOException {
    ClientSession session = connect(server);
    try {
      session.addPublicKeyIdentity(key);
      session.auth().verify(TIMEOUT);
      return session;
    } catch (IOException | RuntimeException e) {
      session.close(true);
      throw e;
    }
  }

  ClientSession connect(InetSocketAddress server) throws IOException {
    return client.connect("operator", server.getAddress().getHostAddress(), server.getPort()).verify(TIMEOUT)
        .getClientSession();
  }

  /** Runs {@code command} through the "exec" channel. */
  Outcome exec(InetSocketAddress server, KeyPair key, String command) throws IOException {
    try (ClientSession session = login(server, key)) {
      return exec(session, command);
    }
  }

  static Outcome exec(ClientSession session, String command) throws IOException {
    try (ChannelExec channel = session.createExecChannel(command)) {
      return run(channel, new ByteArrayInputStream(new byte[0]));
    }
  }

  /** Sends {@code input} to an interactive shell, with or without a terminal. */
  static Outcome shell(ClientSession session, boolean terminal, String input) throws IOException {
    try (ChannelShell channel = session.createShellChannel()) {
      channel.setUsePty(terminal);
      return run(channel, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static Outcome run(org.apache.sshd.client.channel.ChannelSession channel, ByteArrayInputStream in)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    channel.setIn(in);
    channel.setOut(out);
    channel.setErr(err);
    channel.open().verify(TIMEOUT);
    Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
    if (!events.contains(ClientChannelEvent.CLOSED)) {
      throw new AssertionError("the channel did not close within " + TIMEOUT + ": " + events);
    }
    Integer status = channel.getExitStatus();
    if (status == null) {
      throw new AssertionError("no exit status; output: " + out.toString(StandardCharsets.UTF_8));
    }
    return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static KeyPair newKey() throws Exception {
    return KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256);
  }

  @Override
  public void close() {
    client.stop();
  }
}
