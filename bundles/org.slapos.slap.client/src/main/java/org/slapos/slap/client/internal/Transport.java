package org.slapos.slap.client.internal;

import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import org.slapos.slap.api.AuthenticationError;
import org.slapos.slap.api.ConnectionError;
import org.slapos.slap.api.ConnectionOptions;
import org.slapos.slap.api.SlapException;
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
    PrivateKey key = Pem.readPrivateKey(keyFile.get(), "key file");
    List<X509Certificate> chain = Pem.readCertificates(certFile.get(), "certificate file");
    if (!sameAlgorithm(key, chain.get(0))) {
      throw new AuthenticationError("Key file " + keyFile.get() + " (" + key.getAlgorithm()
          + ") does not match certificate file " + certFile.get() + " (" + chain.get(0).getPublicKey().getAlgorithm() + ")");
    }
    return new KeyManager[] {new FixedClientKey(key, chain.toArray(new X509Certificate[0]))};
  }

  private static boolean sameAlgorithm(PrivateKey key, X509Certificate certificate) {
    String keyAlgorithm = key.getAlgorithm();
    String certAlgorithm = certificate.getPublicKey().getAlgorithm();
    return keyAlgorithm.equals(certAlgorithm)
        || (isEdwards(keyAlgorithm) && isEdwards(certAlgorithm));
  }

  private static boolean isEdwards(String algorithm) {
    return algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
  }

  /**
   * Always offers the configured certificate, whatever CA names the server lists, as OpenSSL (and so
   * the Python client) does; the JDK's default key manager would silently send none on a mismatch.
   */
  private static final class FixedClientKey extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    FixedClientKey(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }
  }
}
