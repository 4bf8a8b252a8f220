package org.slapos.shell.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer in another network namespace, joined to this one by a veth pair in 10.231.0.0/30, cannot
 * reach the shell on its default loopback address; once the operator binds the host's end of the
 * pair, it can. Needs root (CI runs as root); skipped otherwise. Only the test's own namespace and
 * veth pair are created, and always removed.
 */
class NonLoopbackPeerTest {
  private static final String HOST_ADDRESS = "10.231.0.1";
  private static final String PEER_ADDRESS = "10.231.0.2";

  @TempDir
  Path directory;

  private final String suffix = Long.toString(ProcessHandle.current().pid() % 100000);
  private final String namespace = "sshtest" + suffix;
  private final String hostLink = "sshth" + suffix;
  private final String peerLink = "sshtp" + suffix;
  private ThreadIOImpl threadIO;
  private CommandProcessorImpl processor;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "creating a network namespace needs root");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
        "iproute2 (ip) is not installed");
    threadIO = new ThreadIOImpl();
    threadIO.start();
    processor = new CommandProcessorImpl(threadIO);
    processor.addCommand("test", new SshShellServerTest.TestCommands());
    try {
      run("ip", "netns", "add", namespace);
      run("ip", "link", "add", hostLink, "type", "veth", "peer", "name", peerLink);
      run("ip", "link", "set", peerLink, "netns", namespace);
      run("ip", "addr", "add", HOST_ADDRESS + "/30", "dev", hostLink);
      run("ip", "link", "set", hostLink, "up");
      run("ip", "netns", "exec", namespace, "ip", "addr", "add", PEER_ADDRESS + "/30", "dev", peerLink);
      run("ip", "netns", "exec", namespace, "ip", "link", "set", peerLink, "up");
      run("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up");
    } catch (IOException e) {
      tearDown();
      assumeTrue(false, "cannot create a network namespace here: " + e.getMessage());
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    if (processor != null) {
      processor.stop();
      threadIO.stop();
      processor = null;
    }
    // Deleting the namespace deletes its end of the pair, and with it the host's end.
    quietly("ip", "netns", "del", namespace);
    quietly("ip", "link", "del", hostLink);
  }

  @Test
  void aPeerInAnotherNamespaceCannotReachTheDefaultLoopbackShellButReachesAnExplicitlyBoundOne() throws Exception {
    Path authorizedKeys = directory.resolve("authorized_keys");
    Files.writeString(authorizedKeys, PublicKeyEntry.toString(SshTestClient.newKey().getPublic()) + "\n");
    Path hostKey = directory.resolve("host_key");

    try (ServerSocket control = new ServerSocket(0, 1, InetAddress.getByName(HOST_ADDRESS))) {
      assertEquals(0, connectFromPeer(HOST_ADDRESS, control.getLocalPort()),
          "control: the peer reaches a socket on the host's end of the pair");
    }

    SshShellServer loopback = new SshShellServer(new SshShellSettings("127.0.0.1", 0, authorizedKeys, hostKey),
        processor);
    try {
      loopback.start();
      int port = loopback.address().getPort();
      assertNotEquals(0, connectFromPeer(HOST_ADDRESS, port), "the loopback shell is reachable from " + PEER_ADDRESS);
    } finally {
      loopback.close();
    }

    SshShellServer bound = new SshShellServer(new SshShellSettings(HOST_ADDRESS, 0, authorizedKeys, hostKey),
        processor);
    try {
      bound.start();
      assertEquals("SSH-2.0", bannerFromPeer(HOST_ADDRESS, bound.address().getPort()));
    } finally {
      bound.close();
    }
  }

  /** Exit status of a TCP connect from inside the namespace (0: connected). */
  private int connectFromPeer(String address, int port) throws Exception {
    return execute(List.of("ip", "netns", "exec", namespace, "timeout", "10", "bash", "-c",
        "exec 3<>/dev/tcp/" + address + "/" + port)).status();
  }

  private String bannerFromPeer(String address, int port) throws Exception {
    Result result = execute(List.of("ip", "netns", "exec", namespace, "timeout", "10", "bash", "-c",
        "exec 3<>/dev/tcp/" + address + "/" + port + " && head -c 7 <&3"));
    assertEquals(0, result.status(), result.output());
    return result.output();
  }

  private record Result(int status, String output) {
  }

  private static Result execute(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static void run(String... command) throws Exception {
    Result result = execute(List.of(command));
    if (result.status() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + result.status() + "): " + result.output().strip());
    }
  }

  private static void quietly(String... command) {
    try {
      execute(new ArrayList<>(List.of(command)));
    } catch (Exception e) {
      // best effort: the resource may already be gone
    }
  }
}
