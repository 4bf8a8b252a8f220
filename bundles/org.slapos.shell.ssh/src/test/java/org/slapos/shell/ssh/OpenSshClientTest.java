package org.slapos.shell.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented way in: the OpenSSH client ({@code ssh -p PORT -i KEY localhost 'COMMAND'}); skipped without it. */
class OpenSshClientTest {
  private static final Path SSH = Path.of("/usr/bin/ssh");

  @TempDir
  Path directory;

  private ThreadIOImpl threadIO;
  private CommandProcessorImpl processor;
  private SshShellServer server;
  private Path identity;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Files.isExecutable(SSH), "the OpenSSH client is not installed");
    threadIO = new ThreadIOImpl();
    threadIO.start();
    processor = new CommandProcessorImpl(threadIO);
    processor.addCommand("test", new SshShellServerTest.TestCommands());
    KeyPair key = SshTestClient.newKey();
    identity = directory.resolve("id_ecdsa");
    Files.createFile(identity, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(identity)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "test", null, out);
    }
    Path authorizedKeys = Files.writeString(directory.resolve("authorized_keys"),
        PublicKeyEntry.toString(key.getPublic()) + "\n");
    server = new SshShellServer(new SshShellSettings("127.0.0.1", 0, authorizedKeys, directory.resolve("host_key")),
        processor);
    server.start();
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
      processor.stop();
      threadIO.stop();
    }
  }

  private record Result(int status, String out, String err) {
  }

  private Result ssh(String input, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of(SSH.toString(), "-F", "/dev/null", "-p",
        Integer.toString(server.address().getPort()), "-i", identity.toString(), "-o", "IdentitiesOnly=yes",
        "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "LogLevel=ERROR"));
    command.addAll(List.of(arguments));
    Path out = directory.resolve("out");
    Path err = directory.resolve("err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("ssh did not end: " + command);
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void execRunsTheCommandAndPassesItsStatus() throws Exception {
    assertEquals(new Result(0, "hello openssh\n", ""), ssh("", "localhost", "test:greet openssh"));
    Result failed = ssh("", "localhost", "test:fail 5");
    assertEquals(5, failed.status());
    assertEquals("failed on purpose\n", failed.err());
  }

  @Test
  void aForcedTerminalGivesThePromptAndEcho() throws Exception {
    Result result = ssh("test:greet tty\rexit\r", "-tt", "localhost");
    assertEquals(0, result.status(), result.err());
    assertTrue(result.out().contains("slapos> test:greet tty\r\nhello tty\r\nslapos> exit"), result.out());
  }

  @Test
  void aPasswordOnlyClientIsRefused() throws Exception {
    Result result = ssh("", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive",
        "localhost", "test:greet nobody");
    assertNotEquals(0, result.status());
    assertTrue(result.err().contains("Permission denied"), result.err());
  }
}
