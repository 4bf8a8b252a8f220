package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.SlapException;

/** The service itself: HTTP clients shared per configuration, renewed with the certificate files. */
class ConnectorTest extends MasterTestSupport {

  @TempDir
  Path dir;

  private Transport transportOf(org.slapos.slap.api.Slap slap) {
    return ((SlapImpl) slap).session().connection.transport();
  }

  @Test
  void sameSettingsShareOneTransport() throws Exception {
    assertSame(transportOf(connect()), transportOf(connect()));
    ConnectionOptions other = ConnectionOptions.builder().timeout(java.time.Duration.ofSeconds(3)).build();
    assertNotSame(transportOf(connect()), transportOf(connector.initializeConnection(master.url(), other)));
  }

  @Test
  void renewedCertificateGetsANewTransport() throws Exception {
    Path key = dir.resolve("k.pem");
    Path cert = dir.resolve("c.pem");
    Files.writeString(key, "k");
    Files.writeString(cert, "c");
    ConnectionOptions options = ConnectionOptions.builder().keyFile(key).certFile(cert).build();
    Transport first = transportOf(connector.initializeConnection(master.url(), options));
    assertSame(first, transportOf(connector.initializeConnection(master.url(), options)));
    Files.setLastModifiedTime(cert, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
    assertNotSame(first, transportOf(connector.initializeConnection(master.url(), options)));
  }

  @Test
  void masterUrlIsTheNormalisedBase() throws Exception {
    String url = master.url().substring(0, master.url().length() - 1);
    assertEquals(master.url(), connector.initializeConnection(url, ConnectionOptions.defaults()).getMasterUrl());
  }

  @Test
  void invalidMasterUrl() {
    assertThrows(SlapException.class, () -> connector.initializeConnection("http://bad host/", ConnectionOptions.defaults()));
  }

  @Test
  void activationConstructorReadsTheProcessEnvironment() {
    // The DS constructor must work without arguments; it is the one SCR calls.
    new HttpSlapConnector().deactivate();
  }
}
