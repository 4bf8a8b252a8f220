package org.slapos.slap.client.internal;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.slapos.slap.api.AuthenticationError;
import org.slapos.slap.api.ConnectionOptions;

/**
 * The HTTP clients of one connection configuration (key, cert, CA, timeout). The client certificate is
 * only used for https URLs, so there is one plain client and one TLS client, each built on first use.
 */
final class Transport {

  private final ConnectionOptions options;
  private final Duration timeout;
  private volatile HttpClient plain;
  private volatile HttpClient tls;

  Transport(ConnectionOptions options) {
    this.options = options;
    this.timeout = options.timeout();
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  Duration timeout() {
    return timeout;
  }

  HttpClient clientFor(String url) throws AuthenticationError {
    return MasterUrls.isHttps(url) ? tlsClient() : plainClient();
  }

  private HttpClient plainClient() {
    HttpClient client = plain;
    if (client == null) {
      synchronized (this) {
        client = plain;
        if (client == null) {
          // An explicit context keeps java.net.http from initialising the JDK's default one, which
          // loads the system trust store (~0.1 s per command) for a client that speaks plain http.
          client = plain = builder().sslContext(plainSslContext()).build();
        }
      }
    }
    return client;
  }

  /** Builds (once) the TLS client; throws AuthenticationError when the PEM files cannot be used. */
  HttpClient tlsClient() throws AuthenticationError {
    HttpClient client = tls;
    if (client == null) {
      synchronized (this) {
        client = tls;
        if (client == null) {
          client = tls = builder().sslContext(sslContext()).build();
        }
      }
    }
    return client;
  }

  private HttpClient.Builder builder() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(timeout);
  }

  private SSLContext sslContext() throws AuthenticationError {
    KeyManager[] keyManagers = keyManagers();
    TrustManager[] trustManagers = trustManagers();
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new AuthenticationError("Cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** For http masters: used only if the master redirects to https, then as unverified as Python. */
  private static SSLContext plainSslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[0], new TrustManager[] {new TrustEverything()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JVM", e);
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

  private TrustManager[] trustManagers() throws AuthenticationError {
    Optional<Path> caFile = options.masterCaFile();
    if (caFile.isEmpty()) {
      // slapos.core never verifies the master (verify=False); without a CA file we do the same.
      return new TrustManager[] {new TrustEverything()};
    }
    List<X509Certificate> authorities = Pem.readCertificates(caFile.get(), "master CA file");
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate authority : authorities) {
        store.setCertificateEntry("ca" + i++, authority);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new AuthenticationError("Cannot use master CA file " + caFile.get() + ": " + e.getMessage(), e);
    }
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

  /**
   * Accepts any server certificate and host name. Being an X509ExtendedTrustManager, the JDK does not wrap
   * it with its own host name check.
   */
  private static final class TrustEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
