package org.slapos.shell.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.EnumSet;
import java.util.Set;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.shell.ssh.SshTestClient.Outcome;
import org.slf4j.LoggerFactory;

/** The SSH server on loopback with a real Gogo runtime (outside OSGi) and a real MINA client. */
class SshShellServerTest {
  /** Gogo functions of scope {@code test}. */
  public static final class TestCommands {
    public String greet(String name) {
      return "hello " + name;
    }

    public void say(String text) {
      System.out.println(text);
    }

    public void fail(int code) throws CommandFailure {
      throw new CommandFailure(code, "failed on purpose");
    }

    public void crash() {
      throw new IllegalStateException("broken\nsecond line");
    }
  }

  @TempDir
  Path directory;

  private ThreadIOImpl threadIO;
  private CommandProcessorImpl processor;
  private SshTestClient client;
  private KeyPair operatorKey;
  private Path authorizedKeys;
  private Path hostKey;
  private SshShellServer server;

  @BeforeEach
  void setUp() throws Exception {
    threadIO = new ThreadIOImpl();
    threadIO.start();
    processor = new CommandProcessorImpl(threadIO);
    processor.addCommand("test", new TestCommands());
    client = new SshTestClient();
    operatorKey = SshTestClient.newKey();
    authorizedKeys = directory.resolve("authorized_keys");
    hostKey = directory.resolve("ssh/host_key");
    Files.writeString(authorizedKeys, "# operators\n" + PublicKeyEntry.toString(operatorKey.getPublic()) + " ops@example\n");
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    client.close();
    processor.stop();
    threadIO.stop();
  }

  private InetSocketAddress start() throws Exception {
    server = new SshShellServer(new SshShellSettings("127.0.0.1", 0, authorizedKeys, hostKey), processor);
    server.start();
    return server.address();
  }

  @Test
  void anAuthorizedKeyRunsACommandAndGetsItsResultItsPrintedOutputAndStatusZero() throws Exception {
    InetSocketAddress address = start();
    Outcome result = client.exec(address, operatorKey, "test:greet world");
    assertEquals(new Outcome(0, "hello world\n", ""), result);
    Outcome printed = client.exec(address, operatorKey, "test:say 'printed by the command'");
    assertEquals(new Outcome(0, "printed by the command\n", ""), printed);
  }

  @Test
  void everyCommandIsAuditedWithUserKeyFingerprintAndPeer() throws Exception {
    Logger audit = (Logger) LoggerFactory.getLogger("org.slapos.shell.ssh.audit");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    audit.addAppender(appender);
    try {
      client.exec(start(), operatorKey, "test:greet audit");
    } finally {
      audit.detachAppender(appender);
    }
    String fingerprint = KeyUtils.getFingerPrint(operatorKey.getPublic());
    assertTrue(fingerprint.startsWith("SHA256:"), fingerprint);
    assertTrue(appender.list.stream().map(ILoggingEvent::getFormattedMessage).anyMatch(line ->
        line.contains("user=operator") && line.contains("key=" + fingerprint) && line.contains("peer=/127.0.0.1:")
            && line.endsWith("command=test:greet audit")), appender.list.toString());
  }

  @Test
  void aFailingCommandGivesANonZeroStatusAndOneLineOnStandardError() throws Exception {
    InetSocketAddress address = start();
    assertEquals(new Outcome(3, "", "failed on purpose\n"), client.exec(address, operatorKey, "test:fail 3"));
    assertEquals(new Outcome(1, "", "IllegalStateException: broken\n"), client.exec(address, operatorKey, "test:crash"));
    Outcome unknown = client.exec(address, operatorKey, "no-such-command");
    assertEquals(1, unknown.status());
    assertTrue(unknown.err().contains("no-such-command") && unknown.err().endsWith("\n")
        && unknown.err().lines().count() == 1, unknown.err());
  }

  @Test
  void anUnknownKeyIsRefused() throws Exception {
    InetSocketAddress address = start();
    KeyPair stranger = SshTestClient.newKey();
    assertThrows(IOException.class, () -> client.login(address, stranger).close());
  }

  @Test
  void aPasswordIsRefused() throws Exception {
    InetSocketAddress address = start();
    try (ClientSession session = client.connect(address)) {
      session.addPasswordIdentity("operator");
      assertThrows(IOException.class, () -> session.auth().verify(SshTestClient.TIMEOUT));
      assertFalse(session.isAuthenticated());
    }
  }

  @Test
  void aKeyRemovedFromTheFileStopsWorkingWithoutRestart() throws Exception {
    InetSocketAddress address = start();
    assertEquals(0, client.exec(address, operatorKey, "test:greet before").status());
    KeyPair other = SshTestClient.newKey();
    Files.writeString(authorizedKeys, PublicKeyEntry.toString(other.getPublic()) + "\n");
    assertThrows(IOException.class, () -> client.login(address, operatorKey).close());
    assertEquals(new Outcome(0, "hello after\n", ""), client.exec(address, other, "test:greet after"));
  }

  @Test
  void aMissingAuthorizedKeysFileLetsNobodyIn() throws Exception {
    Files.delete(authorizedKeys);
    InetSocketAddress address = start();
    assertThrows(IOException.class, () -> client.login(address, operatorKey).close());
  }

  @Test
  void keysWithOptionsTheServerDoesNotEnforceAreIgnored() throws Exception {
    Files.writeString(authorizedKeys, "from=\"10.0.0.1\" " + PublicKeyEntry.toString(operatorKey.getPublic()) + "\n");
    InetSocketAddress address = start();
    assertThrows(IOException.class, () -> client.login(address, operatorKey).close());
    Files.writeString(authorizedKeys, "no-port-forwarding,no-pty " + PublicKeyEntry.toString(operatorKey.getPublic())
        + "\n");
    assertEquals(0, client.exec(address, operatorKey, "test:greet restricted").status());
  }

  @Test
  void theHostKeyIsCreatedOwnerOnlyAndReusedAfterARestart() throws Exception {
    InetSocketAddress first = start();
    assertEquals(0, client.exec(first, operatorKey, "test:greet one").status());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey.getParent())));
    assertTrue(Files.readString(hostKey.resolveSibling("host_key.pub")).startsWith("ecdsa-sha2-nistp256 "));
    String firstKey = KeyUtils.getFingerPrint(client.lastServerKey());
    byte[] stored = Files.readAllBytes(hostKey);
    server.close();

    InetSocketAddress second = start();
    assertEquals(0, client.exec(second, operatorKey, "test:greet two").status());
    assertEquals(firstKey, KeyUtils.getFingerPrint(client.lastServerKey()));
    assertEquals(java.util.Arrays.toString(stored), java.util.Arrays.toString(Files.readAllBytes(hostKey)));
  }

  @Test
  void theShellWithoutATerminalReadsPlainLinesUntilExit() throws Exception {
    try (ClientSession session = client.login(start(), operatorKey)) {
      Outcome outcome = SshTestClient.shell(session, false, "test:greet first\n\ntest:fail 4\ntest:greet second\nexit\n"
          + "test:greet never\n");
      assertEquals(new Outcome(0, "hello first\nhello second\n", "failed on purpose\n"), outcome);
    }
  }

  @Test
  void theShellEndsAtTheEndOfInput() throws Exception {
    try (ClientSession session = client.login(start(), operatorKey)) {
      assertEquals(new Outcome(0, "hello last\n", ""), SshTestClient.shell(session, false, "test:greet last\n"));
    }
  }

  @Test
  void theShellWithATerminalPromptsEchoesAndEditsLines() throws Exception {
    try (ClientSession session = client.login(start(), operatorKey)) {
      // "test:greex" + backspace + "t"; an abandoned line (Ctrl-C); an arrow key; then exit.
      Outcome outcome = SshTestClient.shell(session, true, "test:greex\u007ft b\rdiscarded\u0003\u001b[Aexit\r");
      assertEquals(0, outcome.status());
      assertEquals("slapos> test:greex\b \bt b\r\nhello b\r\nslapos> discarded^C\r\nslapos> exit\r\n", outcome.out());
    }
  }

  @Test
  void theShellWithATerminalEndsOnCtrlD() throws Exception {
    try (ClientSession session = client.login(start(), operatorKey)) {
      Outcome outcome = SshTestClient.shell(session, true, "test:greet d\r\u0004test:greet never\r");
      assertEquals(new Outcome(0, "slapos> test:greet d\r\nhello d\r\nslapos> \r\n", ""), outcome);
    }
  }

  @Test
  void portForwardingAndSubsystemsAreRefused() throws Exception {
    try (ClientSession session = client.login(start(), operatorKey)) {
      ChannelDirectTcpip tunnel = session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
          new SshdSocketAddress("127.0.0.1", 22));
      assertThrows(IOException.class, () -> tunnel.open().verify(SshTestClient.TIMEOUT));
      try (ChannelSubsystem sftp = session.createSubsystemChannel("sftp")) {
        try {
          sftp.open().verify(SshTestClient.TIMEOUT);
        } catch (IOException refusedAtOpen) {
          return;
        }
        Set<ClientChannelEvent> events = sftp.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), SshTestClient.TIMEOUT);
        assertTrue(events.contains(ClientChannelEvent.CLOSED), "the sftp channel is closed: " + events);
      }
    }
  }

  @Test
  void stoppingTheServerClosesOpenSessions() throws Exception {
    try (ClientSession session = client.login(start(), operatorKey);
         ChannelShell shell = session.createShellChannel()) {
      shell.setUsePty(false);
      shell.open().verify(SshTestClient.TIMEOUT);
      server.close();
      Set<ClientChannelEvent> events = shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), SshTestClient.TIMEOUT);
      assertTrue(events.contains(ClientChannelEvent.CLOSED), events.toString());
    }
  }
}
