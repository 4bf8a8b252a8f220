package org.slapos.slap.client.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLAP library over HTTP: {@code slap().initializeConnection(...)} as an OSGi service.
 * Holds what Python keeps in module globals (the getHateoasUrl cache) and the HTTP clients, so that
 * repeated connections with the same settings share them. The clients run on an executor this
 * component owns: deactivation shuts it down and drops the clients, so none of their threads outlives
 * the component (JDK 17's HttpClient has no close()).
 */
@Component(service = SlapConnector.class)
public final class HttpSlapConnector implements SlapConnector {

  private static final Logger LOG = LoggerFactory.getLogger(HttpSlapConnector.class);

  private final Map<String, String> environment;
  /** Made on first HATEOAS use: most commands never need JSON, and its set-up costs start-up time. */
  private volatile ObjectMapper json;
  private final Map<HateoasKey, String> hateoasUrls = new ConcurrentHashMap<>();
  private final Map<TransportKey, Versioned> transports = new ConcurrentHashMap<>();
  private final ExecutorService httpExecutor;
  private final AtomicBoolean insecureWarned = new AtomicBoolean();

  @Activate
  public HttpSlapConnector() {
    // SLAPGRID_INSTANCE_ROOT is a contract with slapgrid, which sets it for the instance's buildout:
    // the library itself must read it, as slapos.core does.
    this(System.getenv());
  }

  /** For tests: the environment is injected so no real variable has to be set. */
  HttpSlapConnector(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    this.httpExecutor = Executors.newCachedThreadPool(new NamedDaemonThreads("slap-client-http-"));
  }

  private ObjectMapper json() {
    ObjectMapper mapper = json;
    if (mapper == null) {
      synchronized (this) {
        mapper = json;
        if (mapper == null) {
          json = mapper = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
        }
      }
    }
    return mapper;
  }

  /** Ends the HTTP clients' threads; connections made from this connector fail afterwards. */
  @Deactivate
  public void deactivate() {
    hateoasUrls.clear();
    transports.values().forEach(versioned -> versioned.transport().close());
    transports.clear();
    httpExecutor.shutdownNow();
    try {
      if (!httpExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("HTTP client threads still running 5 s after deactivation");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public Slap initializeConnection(String masterUrl, ConnectionOptions options) throws SlapException {
    Objects.requireNonNull(masterUrl, "masterUrl");
    ConnectionOptions settings = options == null ? ConnectionOptions.defaults() : options;
    if (httpExecutor.isShutdown()) {
      throw new ConnectionError("The SLAP connector was deactivated; cannot connect to " + masterUrl);
    }
    if (!settings.verifyServerCertificate() && insecureWarned.compareAndSet(false, true)) {
      // Once per connector: a node calling the master every minute must not flood its log.
      LOG.warn("TLS server certificate verification is turned off by configuration (first for {}): the server "
          + "certificates of https masters are NOT verified, anyone on the network path can impersonate them. "
          + "Logged once.", masterUrl);
    }
    Transport transport;
    try {
      transport = transport(settings);
    } catch (IllegalArgumentException e) {
      throw new SlapException("Invalid connection options: " + e.getMessage(), e);
    }
    MasterConnection connection = new MasterConnection(masterUrl, transport);
    try {
      MasterUrls.resolve(connection.baseUrl(), "getHateoasUrl");
    } catch (IllegalArgumentException e) {
      throw new SlapException("Invalid master URL " + masterUrl + ": " + e.getMessage(), e);
    }
    if (MasterUrls.isHttps(connection.baseUrl())) {
      // Fail early, naming the file, when the client certificate cannot be used.
      transport.tlsClient();
    }
    String restUrl = settings.restUrl().orElse(null);
    if (restUrl == null) {
      restUrl = discoverHateoasUrl(masterUrl, settings, connection);
    }
    HateoasNavigator navigator = restUrl == null ? null : new HateoasNavigator(restUrl, connection, this::json);
    return new SlapImpl(new Session(connection, navigator, new TransactionFiles(environment)));
  }

  /**
   * One transport (so one pair of HTTP clients) per configuration. A renewed key or certificate file
   * (new modification time) replaces the cached transport, so the new certificate is used.
   */
  private Transport transport(ConnectionOptions settings) {
    TransportKey key = new TransportKey(settings.keyFile(), settings.certFile(), settings.masterCaFile(),
        settings.verifyServerCertificate(), settings.timeout());
    List<Long> fingerprint = List.of(modified(settings.keyFile()), modified(settings.certFile()),
        modified(settings.masterCaFile()));
    return transports.compute(key, (k, cached) -> cached != null && cached.fingerprint().equals(fingerprint)
        ? cached : new Versioned(fingerprint, new Transport(settings, httpExecutor))).transport();
  }

  private static long modified(Optional<Path> file) {
    if (file.isEmpty()) {
      return -1;
    }
    try {
      return Files.getLastModifiedTime(file.get()).toMillis();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** GET getHateoasUrl; every error means "no HATEOAS API". Only a successful answer is cached. */
  private String discoverHateoasUrl(String masterUrl, ConnectionOptions options, MasterConnection connection) {
    HateoasKey key = new HateoasKey(masterUrl, options.keyFile(), options.certFile(), options.masterCaFile(),
        options.verifyServerCertificate(), options.timeout());
    String cached = hateoasUrls.get(key);
    if (cached != null) {
      return cached;
    }
    try {
      String url = connection.get("getHateoasUrl", null).trim();
      if (url.isEmpty()) {
        return null;
      }
      hateoasUrls.put(key, url);
      return url;
    } catch (SlapException | RuntimeException e) {
      LOG.debug("No HATEOAS API at {}: {}", masterUrl, e.getMessage());
      return null;
    }
  }

  private record HateoasKey(String masterUrl, Optional<Path> key, Optional<Path> cert, Optional<Path> ca,
      boolean verify, Duration timeout) {
  }

  private record TransportKey(Optional<Path> key, Optional<Path> cert, Optional<Path> ca, boolean verify,
      Duration timeout) {
  }

  /** Daemon threads, so that a caller that forgets to deactivate does not keep the JVM alive. */
  private static final class NamedDaemonThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    NamedDaemonThreads(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }

  private record Versioned(List<Long> fingerprint, Transport transport) {
  }
}
