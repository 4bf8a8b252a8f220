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

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.Slap;
import org.slapos.slap.api.SlapConnector;
import org.slapos.slap.api.SlapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLAP library over HTTP: {@code slap().initializeConnection(...)} as an OSGi service.
 * Holds what Python keeps in module globals (the getHateoasUrl cache) and the HTTP clients, so that
 * repeated connections with the same settings share them.
 */
@Component(service = SlapConnector.class)
public final class HttpSlapConnector implements SlapConnector {

  private static final Logger LOG = LoggerFactory.getLogger(HttpSlapConnector.class);

  private final Map<String, String> environment;
  /** Made on first HATEOAS use: most commands never need JSON, and its set-up costs start-up time. */
  private volatile ObjectMapper json;
  private final Map<HateoasKey, String> hateoasUrls = new ConcurrentHashMap<>();
  private final Map<TransportKey, Versioned> transports = new ConcurrentHashMap<>();

  @Activate
  public HttpSlapConnector() {
    // SLAPGRID_INSTANCE_ROOT is a contract with slapgrid, which sets it for the instance's buildout:
    // the library itself must read it, as slapos.core does.
    this(System.getenv());
  }

  /** For tests: the environment is injected so no real variable has to be set. */
  HttpSlapConnector(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
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

  @Deactivate
  void deactivate() {
    hateoasUrls.clear();
    transports.clear();
  }

  @Override
  public Slap initializeConnection(String masterUrl, ConnectionOptions options) throws SlapException {
    Objects.requireNonNull(masterUrl, "masterUrl");
    ConnectionOptions settings = options == null ? ConnectionOptions.defaults() : options;
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
        settings.timeout());
    List<Long> fingerprint = List.of(modified(settings.keyFile()), modified(settings.certFile()),
        modified(settings.masterCaFile()));
    return transports.compute(key, (k, cached) -> cached != null && cached.fingerprint().equals(fingerprint)
        ? cached : new Versioned(fingerprint, new Transport(settings))).transport();
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
        options.timeout());
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
      Duration timeout) {
  }

  private record TransportKey(Optional<Path> key, Optional<Path> cert, Optional<Path> ca, Duration timeout) {
  }

  private record Versioned(List<Long> fingerprint, Transport transport) {
  }
}
