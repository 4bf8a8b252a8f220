package org.slapos.proxy;

import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slapos.master.api.ProxyConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * slapproxy's own listening socket, and the gate that makes it accept connections only while the
 * SLAP endpoints answer.
 *
 * <p>Why: Felix HTTP Jetty starts its connector, then registers the Servlet Whiteboard; until the
 * whiteboard dispatches, every request gets Jetty's HTML 404. Scripts and {@code slapos node format}
 * talk as soon as the port accepts connections, so slapproxy does not serve on Felix's connector:
 * it adds its own through Felix's {@code ConnectorFactory} extension point, and that connector
 * accepts only when both hold:
 * <ul>
 * <li>the whiteboard has initialised the SLAP servlet ({@link #servletRegistered});</li>
 * <li>the whiteboard of the running Jetty dispatches ({@link #dispatching}): Felix opens its
 * {@code RequestLog} tracker right after it has set the whiteboard active, so getting our request
 * log marks that moment, and ungetting it marks a Jetty stop.</li>
 * </ul>
 * Before that the socket listens but nobody accepts: a client's connection waits in the kernel's
 * backlog and its request is answered by the endpoints, never by a 404.
 *
 * <p>The listener lives as long as its configuration (PID {@code org.slapos.proxy}): Jetty restarts
 * (an update of Felix HTTP) ask it for a new connector, which again waits for the whiteboard.
 */
@Component(
    service = {ConnectorFactory.class, ProxyListener.class},
    configurationPid = ProxyConfiguration.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true)
public final class ProxyListener implements ConnectorFactory {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyListener.class);

  private final String host;
  private final int port;
  private final List<ServerConnector> connectors = new CopyOnWriteArrayList<>();
  /** Set once by the DS constructor; DS orders it before {@link #deactivate}. */
  private ServiceRegistration<RequestLog> dispatchSignal;
  private boolean servletRegistered;
  private boolean dispatching;

  @Activate
  public ProxyListener(BundleContext context, ProxyConfig config) {
    this(config.http_host(), config.http_port());
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put("slapos.proxy.signal", "whiteboard-dispatching");
    this.dispatchSignal = context.registerService(RequestLog.class, new DispatchSignal(), properties);
  }

  ProxyListener(String host, int port) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(ProxyConfiguration.HTTP_HOST + " must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(ProxyConfiguration.HTTP_PORT + " must be between 1 and 65535, got " + port);
    }
    this.host = host;
    this.port = port;
  }

  @Deactivate
  void deactivate() {
    ServiceRegistration<RequestLog> registration = dispatchSignal;
    if (registration != null) {
      try {
        registration.unregister();
      } catch (IllegalStateException alreadyGone) {
        // The bundle is stopping and the framework has unregistered it already.
      }
    }
  }

  @Override
  public Connector createConnector(Server server) {
    return newConnector(server);
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  /** A connector of {@code server} on slapproxy's address, accepting only when ready. */
  synchronized Connector newConnector(Server server) {
    // One acceptor thread: it waits on the connector's accepting flag (see setAccepting).
    ServerConnector connector = new ServerConnector(server, 1, -1, new HttpConnectionFactory());
    connector.setHost(host);
    connector.setPort(port);
    connector.setName("slapproxy");
    connector.setAccepting(ready());
    connector.addEventListener(new LifeCycle.Listener() {
      @Override
      public void lifeCycleStopped(LifeCycle event) {
        connectors.remove(connector);
      }
    });
    connectors.add(connector);
    LOG.debug("slapproxy connector on {}:{} created (accepting: {})", host, port, ready());
    return connector;
  }

  synchronized void servletRegistered(boolean registered) {
    servletRegistered = registered;
    update();
  }

  synchronized void dispatching(boolean active) {
    dispatching = active;
    update();
  }

  synchronized boolean ready() {
    return servletRegistered && dispatching;
  }

  /**
   * Felix HTTP gets this request log (a service factory: one get per Jetty server) right after its
   * whiteboard dispatches, and ungets it when that Jetty stops.
   */
  private final class DispatchSignal implements ServiceFactory<RequestLog> {
    @Override
    public RequestLog getService(Bundle bundle, ServiceRegistration<RequestLog> registration) {
      dispatching(true);
      return (Request request, Response response) -> {
        // Nothing to log: this service only marks when the whiteboard dispatches.
      };
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<RequestLog> registration, RequestLog service) {
      dispatching(false);
    }
  }

  private void update() {
    boolean accepting = ready();
    for (ServerConnector connector : connectors) {
      if (connector.isAccepting() != accepting) {
        connector.setAccepting(accepting);
        LOG.debug("slapproxy on {}:{} {}", host, port, accepting ? "accepts connections" : "holds new connections");
      }
    }
  }
}
