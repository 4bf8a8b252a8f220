package org.slapos.itest.shell;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * A MINA SSH client for the in-framework tests, used only inside the framework: the test class
 * itself names no MINA type, because the driver JVM that discovers it does not have MINA on its
 * class path (see itests/pom.xml). Signatures use JDK types only.
 */
final class RemoteShellClient implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** What a command gave back. */
  record Outcome(int status, String out, String err) {
  }

  private final SshClient client;

  RemoteShellClient() {
    client = SshClient.setUpDefaultClient();
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setServerKeyVerifier((session, address, key) -> true);
    client.start();
  }

  static KeyPair newKey() throws GeneralSecurityException {
    return KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256);
  }

  /** The key's line for an authorized_keys file. */
  static String authorizedKeyLine(KeyPair key) {
    return PublicKeyEntry.toString(key.getPublic());
  }

  private ClientSession connect(int port) throws IOException {
    return client.connect("operator", "127.0.0.1", port).verify(TIMEOUT).getClientSession();
  }

  private ClientSession login(int port, KeyPair key) throws IOException {
    ClientSession session = connect(port);
    try {
      session.addPublicKeyIdentity(key);
      session.auth().verify(TIMEOUT);
      return session;
    } catch (IOException | RuntimeException e) {
      session.close(true);
      throw e;
    }
  }

  /** Whether the server lets {@code key} in. */
  boolean logsIn(int port, KeyPair key) throws IOException {
    try (ClientSession session = connect(port)) {
      session.addPublicKeyIdentity(key);
      return authenticates(session);
    }
  }

  /** Whether the server lets a password in. */
  boolean logsInWithPassword(int port, String password) throws IOException {
    try (ClientSession session = connect(port)) {
      session.addPasswordIdentity(password);
      return authenticates(session);
    }
  }

  private static boolean authenticates(ClientSession session) {
    try {
      session.auth().verify(TIMEOUT);
      return session.isAuthenticated();
    } catch (IOException refused) {
      return false;
    }
  }

  /** Runs {@code command} through an "exec" channel. */
  Outcome exec(int port, KeyPair key, String command) throws IOException {
    try (ClientSession session = login(port, key);
         ChannelExec channel = session.createExecChannel(command)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      channel.setIn(new ByteArrayInputStream(new byte[0]));
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(TIMEOUT);
      Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
      if (!events.contains(ClientChannelEvent.CLOSED) || channel.getExitStatus() == null) {
        throw new AssertionError("'" + command + "' did not end within " + TIMEOUT + ": " + events);
      }
      return new Outcome(channel.getExitStatus(), out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    client.stop();
  }
}
