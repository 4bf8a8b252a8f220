package org.slapos.slap.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slapos.slap.api.Computer;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.HttpError;
import org.slapos.slap.api.NotFoundError;
import org.slapos.slap.api.ResourceNotReady;
import org.slapos.slap.api.ServerError;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.Unauthorized;
import org.slapos.slap.client.internal.ScriptedMaster.Reply;

/** HTTP statuses and transport failures become the documented SLAP exceptions. */
class StatusMappingTest extends MasterTestSupport {

  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void releaseBlockedHandlers() {
    release.countDown();
  }

  @Test
  void notFoundOnGetCarriesUrlAndPythonParamsRepr() throws Exception {
    Computer computer = connect().registerComputer("COMP-'1'");
    NotFoundError error = assertThrows(NotFoundError.class, computer::getStatus);
    assertEquals(master.url() + "getComputerStatus - {'computer_id': \"COMP-'1'\"}", error.getMessage());
  }

  @Test
  void notFoundOnPostCarriesTheUrlOnly() throws Exception {
    NotFoundError error = assertThrows(NotFoundError.class,
        () -> connect().registerComputer("c").bang("x"));
    assertEquals(master.url() + "computerBang", error.getMessage());
  }

  @Test
  void requestTimeoutStatusMeansNotReady() throws Exception {
    master.on("/startedComputerPartition", Reply.empty(408));
    ResourceNotReady error = assertThrows(ResourceNotReady.class,
        () -> connect().registerComputerPartition("c", "p").started());
    assertEquals("startedComputerPartition", error.getMessage());
  }

  @Test
  void unauthorizedAndForbidden() throws Exception {
    master.on("/computerBang", Reply.text(401, "who are you"));
    master.on("/revokeComputerCertificate", Reply.text(403, "no"));
    Computer computer = connect().registerComputer("c");
    Unauthorized e401 = assertThrows(Unauthorized.class, () -> computer.bang("x"));
    assertEquals(401, e401.status());
    assertEquals("who are you", e401.body());
    assertEquals("401 Client Error: Unauthorized for url: " + master.url() + "computerBang", e401.getMessage());
    Unauthorized e403 = assertThrows(Unauthorized.class, computer::revokeCertificate);
    assertEquals(403, e403.status());
  }

  @Test
  void serverErrors() throws Exception {
    master.on("/computerBang", Reply.text(500, "The server encountered an internal error"));
    master.on("/getFullComputerInformation", Reply.empty(503));
    Slap slap = connect();
    ServerError e500 = assertThrows(ServerError.class, () -> slap.registerComputer("c").bang("x"));
    assertEquals(500, e500.status());
    assertEquals("The server encountered an internal error", e500.body());
    assertTrue(e500.getMessage().startsWith("500 Server Error: Internal Server Error for url: "), e500.getMessage());
    ServerError e503 = assertThrows(ServerError.class, () -> slap.registerComputer("c").getComputerPartitionList());
    assertEquals(503, e503.status());
    assertEquals("503 Server Error: Service Unavailable for url: " + master.url()
        + "getFullComputerInformation?computer_id=c", e503.getMessage());
  }

  @Test
  void otherClientErrors() throws Exception {
    master.on("/useComputer", Reply.empty(400));
    master.on("/computerBang", Reply.text(418, "teapot"));
    Computer computer = connect().registerComputer("c");
    HttpError e400 = assertThrows(HttpError.class, () -> computer.reportUsage("<journal/>"));
    assertEquals(400, e400.status());
    assertFalse(e400 instanceof Unauthorized || e400 instanceof ServerError);
    HttpError e418 = assertThrows(HttpError.class, () -> computer.bang("x"));
    assertEquals(418, e418.status());
    assertEquals("teapot", e418.body());
  }

  @Test
  void redirectsAreFollowed() throws Exception {
    master.on("/getComputerStatus", Reply.redirect("/elsewhere"));
    master.on("/elsewhere", Reply.ok("<marshal><string>fine</string></marshal>"));
    assertEquals("fine", connect().registerComputer("c").getStatus());
  }

  @Test
  void errorReportsSwallowFailures() throws Exception {
    master.on("/softwareInstanceError", Reply.empty(500));
    master.on("/softwareReleaseError", Reply.empty(404));
    Slap slap = connect();
    slap.registerComputerPartition("c", "p").error("log", null);
    slap.registerSoftwareRelease("http://sr").error("log");
    assertEquals(1, master.count("/softwareInstanceError"));
    assertEquals(1, master.count("/softwareReleaseError"));
  }

  @Test
  void supplyNotFoundNamesTheComputer() throws Exception {
    NotFoundError error = assertThrows(NotFoundError.class,
        () -> connect().registerSupply().supply("http://sr", "COMP-404", "available"));
    assertEquals("Computer COMP-404 has not been found by SlapOS Master.", error.getMessage());
  }

  @Test
  void connectionRefused() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, ScriptedMaster.LOOPBACK)) {
      port = socket.getLocalPort();
    }
    Slap slap = connector.initializeConnection("http://127.0.0.1:" + port + "/", ConnectionOptions.defaults());
    assertFalse(slap.hasHateoas(), "a failed discovery only means no HATEOAS");
    ConnectionError error = assertThrows(ConnectionError.class, () -> slap.registerComputer("c").bang("x"));
    assertTrue(error.getMessage().startsWith("Couldn't connect to the server. Please double check given master-url "
        + "argument, and make sure that IPv6 is enabled on your machine and that the server is available. "
        + "The original error was:\n"), error.getMessage());
  }

  @Test
  void readTimeout() throws Exception {
    master.on("/computerBang", request -> {
      release.await();
      return Reply.ok("too late");
    });
    Slap slap = connector.initializeConnection(master.url(),
        ConnectionOptions.builder().timeout(Duration.ofMillis(200)).build());
    ConnectionError error = assertThrows(ConnectionError.class, () -> slap.registerComputer("c").bang("x"));
    assertTrue(error.getMessage().contains("The original error was:"), error.getMessage());
  }

  @Test
  void emptyIdsRaiseNotFoundWithoutHttp() throws Exception {
    Slap slap = connect();
    assertThrows(NotFoundError.class, () -> slap.registerComputerPartition("", "p"));
    assertThrows(NotFoundError.class, () -> slap.registerComputerPartition("c", null));
    NotFoundError error = assertThrows(NotFoundError.class, () -> slap.registerComputer("").getSoftwareReleaseList());
    assertEquals("'getFullComputerInformation' {'computer_id': ''}", error.getMessage());
    assertEquals(java.util.List.of(), master.callsExceptDiscovery());
  }

  @Test
  void invalidTimeoutIsRejected() {
    assertThrows(org.slapos.slap.api.SlapException.class, () -> connector.initializeConnection(master.url(),
        ConnectionOptions.builder().timeout(Duration.ZERO).build()));
  }
}
