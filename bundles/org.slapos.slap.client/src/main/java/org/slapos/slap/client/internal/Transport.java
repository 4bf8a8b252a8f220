package org.slapos.slap.client.internal;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

import org.slapos.slap.api.AuthenticationError;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.SlapException;
import org.slapos.slap.client.tls.ClientCertificate;
import org.slapos.slap.client.tls.ServerTrust;

/**
 * The HTTP clients of one connection configuration (key, cert, CA, verification, timeout). The client
 * certificate is only used for https URLs, so there is one plain client and one TLS client, each built
 * on first use. Both verify https servers the same way (a redirect from an http master to https
 * included), and both run their work on the connector's executor, so that their threads end when the
 * connector deactivates.
 */
final class Transport {

  private final ConnectionOptions options;
  private final Duration timeout;
  private final ServerTrust trust;
  private final Executor executor;
  private volatile boolean closed;
  private volatile HttpClient plain;
  private volatile HttpClient tls;

  Transport(ConnectionOptions options, Executor executor) {
    this.options = options;
    this.executor = executor;
    this.timeout = options.timeout();
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.trust = options.verifyServerCertificate()
        ? ServerTrust.verified(options.masterCaFile().orElse(null), "master CA file")
        : ServerTrust.insecure();
  }

  Duration timeout() {
    return timeout;
  }

  ServerTrust trust() {
    return trust;
  }

  HttpClient clientFor(String url) throws SlapException {
    return MasterUrls.isHttps(url) ? tlsClient() : plainClient();
  }

  /**
   * Drops the clients, so that nothing keeps them reachable (the JDK ends a client's selector thread
   * once the client is unreachable); later calls fail with a ConnectionError.
   */
  void close() {
    synchronized (this) {
      closed = true;
      plain = null;
      tls = null;
    }
  }

  private HttpClient plainClient() throws SlapException {
    HttpClient client = plain;
    if (client == null) {
      synchronized (this) {
        ensureOpen();
        client = plain;
        if (client == null) {
          // The trust store is read only if a redirect leads to https: a client that speaks plain http
          // does not pay for loading it (~0.1 s per command).
          try {
            client = plain = builder().sslContext(trust.sslContext(null, true)).build();
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM: " + e.getMessage(), e);
          }
        }
      }
    }
    return client;
  }

  /** Builds (once) the TLS client; throws AuthenticationError when the PEM files cannot be used. */
  HttpClient tlsClient() throws SlapException {
    HttpClient client = tls;
    if (client == null) {
      synchronized (this) {
        ensureOpen();
        client = tls;
        if (client == null) {
          client = tls = builder().sslContext(sslContext()).build();
        }
      }
    }
    return client;
  }

  private void ensureOpen() throws ConnectionError {
    if (closed) {
      throw new ConnectionError("The SLAP connector was deactivated; connect again");
    }
  }

  private HttpClient.Builder builder() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(timeout)
        .executor(executor);
  }

  private SSLContext sslContext() throws AuthenticationError {
    KeyManager[] keyManagers = keyManagers();
    try {
      return trust.sslContext(keyManagers, false);
    } catch (GeneralSecurityException e) {
      throw new AuthenticationError(e.getMessage(), e);
    }
  }

  private KeyManager[] keyManagers() throws AuthenticationError {
    Optional<Path> keyFile = options.keyFile();
    Optional<Path> certFile = options.certFile();
    if (keyFile.isEmpty() && certFile.isEmpty()) {
      return null;
    }
    if (keyFile.isEmpty() || certFile.isEmpty()) {
      throw new AuthenticationError("A client certificate needs both a key file and a certificate file (key="
          + keyFile.map(Path::toString).orElse("none") + ", cert=" + certFile.map(Path::toString).orElse("none") + ")");
    }
    try {
      return ClientCertificate.read(keyFile.get(), "key file", certFile.get(), "certificate file").keyManagers();
    } catch (GeneralSecurityException e) {
      throw new AuthenticationError(e.getMessage(), e);
    }
  }
}
