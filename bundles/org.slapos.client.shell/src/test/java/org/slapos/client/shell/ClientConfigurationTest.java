package org.slapos.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;
import org.slapos.slap.api.ConnectionOptions;

/** The rules of slapos.core's ClientConfig (node-behavior §1.9). */
class ClientConfigurationTest {
  @TempDir
  Path home;

  private ClientConfiguration load(String content) throws Exception {
    Path cfg = Files.writeString(home.resolve("client.cfg"), content);
    return ClientConfiguration.load(new TestContext(home, home.resolve("work")), cfg.toString());
  }

  @Test
  void userCertificateFromSlapconsoleWithTildeExpanded() throws Exception {
    ClientConfiguration configuration = load("""
        [slapos]
        master_url = https://slap.example.com/
        master_rest_url = https://slap.example.com/hateoas
        key_file = /etc/opt/slapos/ssl/computer.key
        cert_file = /etc/opt/slapos/ssl/computer.crt
        [slapconsole]
        cert_file = ~/.slapos/certificate
        key_file = ~/.slapos/key
        """);
    assertEquals("https://slap.example.com/", configuration.masterUrl());
    assertEquals(Optional.of(home.resolve(".slapos/key")), configuration.keyFile());
    assertEquals(Optional.of(home.resolve(".slapos/certificate")), configuration.certFile());
    ConnectionOptions options = configuration.connectionOptions();
    assertEquals(Optional.of("https://slap.example.com/hateoas"), options.restUrl());
    assertEquals(Optional.of(home.resolve(".slapos/key")), options.keyFile());
  }

  @Test
  void serverVerificationSettings() throws Exception {
    ClientConfiguration verified = load("""
        [slapos]
        master_url = https://slap.example.com/
        master_ca_file = ~/ca.pem
        [slapconsole]
        cert_file = c.pem
        """);
    assertEquals(Optional.of(home.resolve("ca.pem")), verified.connectionOptions().masterCaFile());
    assertTrue(verified.connectionOptions().verifyServerCertificate());
    ClientConfiguration insecure = load("""
        [slapos]
        master_url = https://slap.example.com/
        master_insecure_skip_tls_verify = true
        [slapconsole]
        cert_file = c.pem
        """);
    assertEquals(Optional.empty(), insecure.connectionOptions().masterCaFile());
    assertFalse(insecure.connectionOptions().verifyServerCertificate());
    CommandFailure failure = assertThrows(CommandFailure.class, () -> load("""
        [slapos]
        master_url = http://127.0.0.1/
        master_insecure_skip_tls_verify = perhaps
        """));
    assertTrue(failure.getMessage().contains("master_insecure_skip_tls_verify"), failure.getMessage());
  }

  @Test
  void nodeCertificateWhenNoUserOne() throws Exception {
    ClientConfiguration configuration = load("""
        [slapos]
        master_url = https://slap.example.com/
        key_file = ssl/computer.key
        cert_file = /etc/opt/slapos/ssl/computer.crt
        """);
    assertEquals(Optional.of(home.resolve("work/ssl/computer.key")), configuration.keyFile());
    assertEquals(Optional.of(Path.of("/etc/opt/slapos/ssl/computer.crt")), configuration.certFile());
    assertEquals(Optional.empty(), configuration.masterRestUrl());
  }

  @Test
  void oneUserFileIsEnoughToIgnoreTheNodeOnes() throws Exception {
    ClientConfiguration configuration = load("""
        [slapos]
        master_url = https://slap.example.com/
        key_file = /node.key
        cert_file = /node.crt
        [slapconsole]
        cert_file = /user.crt
        """);
    assertEquals(Optional.empty(), configuration.keyFile());
    assertEquals(Optional.of(Path.of("/user.crt")), configuration.certFile());
  }

  @Test
  void commandLineFilesWin() throws Exception {
    Path cfg = Files.writeString(home.resolve("client.cfg"),
        "[slapos]\nmaster_url = https://m/\n[slapconsole]\nkey_file = /user.key\ncert_file = /user.crt\n");
    ClientConfiguration configuration = ClientConfiguration.load(new TestContext(home, home), cfg.toString(),
        "/cli.key", null);
    assertEquals(Optional.of(Path.of("/cli.key")), configuration.keyFile());
    assertEquals(Optional.of(Path.of("/user.crt")), configuration.certFile());
  }

  @Test
  void httpsNeedsAKeyOrCertificate() throws Exception {
    CommandFailure failure = assertThrows(CommandFailure.class, () -> load("[slapos]\nmaster_url = https://m/\n"));
    assertEquals(1, failure.exitCode());
    assertEquals("No option 'key_file' and/or 'cert_file' in section [slapconsole] or [slapos] of "
        + home.resolve("client.cfg") + " (required by the https master https://m/)", failure.getMessage());
  }

  @Test
  void plainHttpNeedsNoCertificate() throws Exception {
    assertEquals(Optional.empty(), load("[slapos]\nmaster_url = http://127.0.0.1:5000\n").keyFile());
  }

  @Test
  void masterUrlIsRequired() throws Exception {
    CommandFailure failure = assertThrows(CommandFailure.class, () -> load("[slapos]\nmaster_rest_url = http://h\n"));
    assertEquals("No option 'master_url' in section [slapos] of " + home.resolve("client.cfg"), failure.getMessage());
    failure = assertThrows(CommandFailure.class, () -> load("[slapconsole]\ncert_file = /c\n"));
    assertEquals("No section: 'slapos' in " + home.resolve("client.cfg"), failure.getMessage());
  }

  @Test
  void unparsableFileIsOneLineFailure() throws Exception {
    CommandFailure failure = assertThrows(CommandFailure.class, () -> load("master_url = x\n"));
    assertEquals(1, failure.exitCode());
    assertEquals("Cannot parse configuration file: " + home.resolve("client.cfg"),
        failure.getMessage().substring(0, ("Cannot parse configuration file: " + home.resolve("client.cfg")).length()));
  }

  @Test
  void locationFromEnvironmentThenHome() throws Exception {
    Files.createDirectories(home.resolve(".slapos"));
    Files.writeString(home.resolve(".slapos/slapos-client.cfg"), "[slapos]\nmaster_url = http://home/\n");
    Files.writeString(home.resolve("env.cfg"), "[slapos]\nmaster_url = http://env/\n");
    assertEquals("http://home/", ClientConfiguration.load(new TestContext(home, home), null).masterUrl());
    TestContext withEnvironment = new TestContext(home, home).env("SLAPOS_CLIENT_CONFIGURATION", "~/env.cfg");
    assertEquals("http://env/", ClientConfiguration.load(withEnvironment, null).masterUrl());
    assertEquals(home.resolve(".slapos/slapos-client.cfg"),
        ClientConfiguration.load(withEnvironment, "~/.slapos/slapos-client.cfg").source());
  }
}
