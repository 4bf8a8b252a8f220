package org.slapos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** slapproxy's listener on a real Jetty server: it accepts only once the endpoints are dispatched. */
class ProxyListenerTest {
  private final AtomicInteger handled = new AtomicInteger();
  private final Server server = new Server();

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private ServerConnector startWith(ProxyListener listener) throws Exception {
    server.setHandler(new AbstractHandler() {
      @Override
      public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response) {
        handled.incrementAndGet();
        response.setStatus(200);
        base.setHandled(true);
      }
    });
    ServerConnector connector = (ServerConnector) listener.createConnector(server);
    server.addConnector(connector);
    server.start();
    return connector;
  }

  @Test
  void aConnectionMadeBeforeReadinessIsAnsweredOnceReady() throws Exception {
    int port = freePort();
    ProxyListener listener = new ProxyListener("127.0.0.1", port);
    ServerConnector connector = startWith(listener);
    assertFalse(connector.isAccepting(), "nothing registered yet");

    CompletableFuture<HttpResponse<Void>> early = HttpClient.newHttpClient().sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/getRunId")).timeout(Duration.ofSeconds(30))
            .build(), HttpResponse.BodyHandlers.discarding());
    listener.servletRegistered(true);
    assertFalse(connector.isAccepting(), "the servlet is initialised but the whiteboard does not dispatch yet");
    assertEquals(0, handled.get(), "no request reached the server before readiness");
    listener.dispatching(true);
    assertTrue(connector.isAccepting());
    assertEquals(200, early.get(30, TimeUnit.SECONDS).statusCode());
    assertEquals(1, handled.get());

    listener.servletRegistered(false);
    assertFalse(connector.isAccepting(), "endpoints away (bundle update): new connections wait again");
  }

  @Test
  void aConnectorCreatedWhenReadyAcceptsAtOnce() throws Exception {
    ProxyListener listener = new ProxyListener("127.0.0.1", freePort());
    listener.dispatching(true);
    listener.servletRegistered(true);
    assertTrue(startWith(listener).isAccepting());
  }

  @Test
  void theAddressIsChecked() {
    assertThrows(IllegalArgumentException.class, () -> new ProxyListener("127.0.0.1", 0));
    assertThrows(IllegalArgumentException.class, () -> new ProxyListener(" ", 8080));
  }
}
