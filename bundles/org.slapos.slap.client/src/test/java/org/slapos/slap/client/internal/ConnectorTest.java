package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.Slap;
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
  void theActivationConstructorMakesAWorkingConnectorThatDeactivationStops() throws Exception {
    // The no-argument constructor is the one SCR calls.
    HttpSlapConnector activated = new HttpSlapConnector();
    master.on("/computerBang", ScriptedMaster.Reply.ok("ok"));
    Slap slap = activated.initializeConnection(master.url(), ConnectionOptions.defaults());
    slap.registerComputer("c").bang("x");
    assertEquals(1, master.count("/computerBang"));
    activated.deactivate();
    assertThrows(ConnectionError.class, () -> slap.registerComputer("c").bang("again"));
    assertThrows(ConnectionError.class, () -> activated.initializeConnection(master.url(), ConnectionOptions.defaults()));
    assertEquals(1, master.count("/computerBang"));
  }

  @Test
  void theHttpClientThreadsEndWhenTheConnectorDeactivates() throws Exception {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    HttpSlapConnector own = new HttpSlapConnector(Map.of());
    master.on("/computerBang", ScriptedMaster.Reply.ok("ok"));
    own.initializeConnection(master.url(), ConnectionOptions.defaults()).registerComputer("c").bang("x");
    List<Thread> started = httpClientThreadsStartedSince(before);
    assertTrue(started.stream().anyMatch(t -> t.getName().startsWith("slap-client-http-")),
        "requests run on the connector's own executor: " + started);
    assertTrue(started.stream().anyMatch(t -> t.getName().startsWith("HttpClient-")),
        "the JDK client's selector thread: " + started);
    own.deactivate();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<Thread> alive = aliveAmong(started);
    while (!alive.isEmpty() && System.nanoTime() < deadline) {
      // The JDK ends a client's selector thread once the client object is unreachable: collect it.
      System.gc();
      alive.get(0).join(200);
      alive = aliveAmong(started);
    }
    assertEquals(List.of(), alive.stream().map(Thread::getName).toList(), "HTTP client threads left running");
  }

  private static List<Thread> httpClientThreadsStartedSince(Set<Thread> before) {
    List<Thread> started = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      if (!before.contains(thread) && (name.startsWith("HttpClient-") || name.startsWith("slap-client-http-"))) {
        started.add(thread);
      }
    }
    return started;
  }

  private static List<Thread> aliveAmong(List<Thread> threads) {
    return threads.stream().filter(Thread::isAlive).toList();
  }
}
