package org.slapos.slap.client.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which https servers a client trusts. {@link #verified} trusts the JVM's trust store (its
 * {@code cacerts}, or {@code javax.net.ssl.trustStore}) plus the certificates of an optional PEM CA
 * file; the chain is checked by the JDK's PKIX trust manager and, because that manager is an
 * {@link X509ExtendedTrustManager}, the host name too whenever the connection asks for it (the
 * {@code java.net.http} client and {@code HttpsURLConnection} always do). {@link #insecure} accepts any
 * certificate and any host name: only an explicit setting may choose it, and the caller logs that.
 *
 * <p>Immutable; the files are read when a trust manager is built, so each build sees their current
 * content.
 */
public final class ServerTrust {

  private static final Pattern CERTIFICATE_BLOCK = Pattern.compile(
      "-----BEGIN (?:TRUSTED )?CERTIFICATE-----\\r?\\n(.*?)-----END (?:TRUSTED )?CERTIFICATE-----", Pattern.DOTALL);

  private final boolean verify;
  private final Path caFile;
  private final String caFileRole;

  private ServerTrust(boolean verify, Path caFile, String caFileRole) {
    this.verify = verify;
    this.caFile = caFile;
    this.caFileRole = caFileRole;
  }

  /**
   * Verifies servers against the JVM's trust store and, when {@code caFile} is not null, the PEM
   * certificates it holds.
   *
   * @param caFile extra trusted certificates (PEM), or null
   * @param caFileRole how error messages name the file, for example {@code "master CA file"}
   */
  public static ServerTrust verified(Path caFile, String caFileRole) {
    return new ServerTrust(true, caFile, Objects.requireNonNull(caFileRole, "caFileRole"));
  }

  /** Accepts every server certificate and host name. Never a default: callers log a warning. */
  public static ServerTrust insecure() {
    return new ServerTrust(false, null, "CA file");
  }

  /** False for {@link #insecure()}. */
  public boolean verifies() {
    return verify;
  }

  /** The extra CA file of a verifying trust. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /**
   * The trust manager, built now: reads the JVM's trust store and the CA file.
   *
   * @throws GeneralSecurityException with a one-line message naming the CA file when it cannot be used
   */
  public X509ExtendedTrustManager trustManager() throws GeneralSecurityException {
    if (!verify) {
      return new TrustEverything();
    }
    X509TrustManager jvmTrust = jvmTrustManager();
    if (caFile == null) {
      return (X509ExtendedTrustManager) jvmTrust;
    }
    List<X509Certificate> authorities = readCertificates(caFile, caFileRole);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate anchor : jvmTrust.getAcceptedIssuers()) {
        store.setCertificateEntry("jvm-" + i++, anchor);
      }
      i = 0;
      for (X509Certificate authority : authorities) {
        store.setCertificateEntry("ca-" + i++, authority);
      }
      return pkixTrustManager(store);
    } catch (IOException e) {
      throw new GeneralSecurityException("Cannot use " + caFileRole + " " + caFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * A trust manager that builds {@link #trustManager()} on the first handshake that needs it, so a
   * client that may only ever speak plain http (and is redirected to https at most) does not read the
   * trust store up front. A CA file that cannot be used then fails that handshake.
   */
  public X509ExtendedTrustManager lazyTrustManager() {
    return verify ? new LazyTrust(this) : new TrustEverything();
  }

  /**
   * An SSL context with this trust.
   *
   * @param keyManagers the client certificate, or null for none
   * @param lazy whether the trust store is read on the first handshake ({@link #lazyTrustManager()})
   *     instead of now
   */
  public SSLContext sslContext(KeyManager[] keyManagers, boolean lazy) throws GeneralSecurityException {
    TrustManager trust = lazy ? lazyTrustManager() : trustManager();
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers, new TrustManager[] {trust}, new SecureRandom());
    return context;
  }

  /**
   * The certificates of a PEM file (text around the blocks is ignored).
   *
   * @param role how error messages name the file
   * @throws GeneralSecurityException with a one-line message naming the file when it cannot be read,
   *     holds an invalid certificate or none
   */
  public static List<X509Certificate> readCertificates(Path file, String role) throws GeneralSecurityException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new GeneralSecurityException("Cannot read " + role + " " + file + ": " + e, e);
    }
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Matcher block = CERTIFICATE_BLOCK.matcher(text);
    while (block.find()) {
      try {
        byte[] der = Base64.getMimeDecoder().decode(block.group(1));
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException | IllegalArgumentException e) {
        throw new GeneralSecurityException("Invalid certificate in " + role + " " + file + ": " + e.getMessage(), e);
      }
    }
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("No PEM certificate found in " + role + " " + file);
    }
    return certificates;
  }

  private static X509TrustManager jvmTrustManager() throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager) {
        return (X509TrustManager) manager;
      }
    }
    throw new GeneralSecurityException("The JVM has no X.509 trust manager");
  }

  private static X509ExtendedTrustManager pkixTrustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager) {
        return (X509ExtendedTrustManager) manager;
      }
    }
    throw new GeneralSecurityException("The JVM has no X.509 trust manager");
  }

  @Override
  public String toString() {
    return verify ? "verified (JVM trust store" + (caFile == null ? ")" : " + " + caFile + ")") : "insecure";
  }

  /**
   * Delegates to the real trust manager, built on first use. Each method passes the engine or socket
   * on, so the delegate still checks the host name.
   */
  private static final class LazyTrust extends X509ExtendedTrustManager {
    private final ServerTrust trust;
    private volatile X509ExtendedTrustManager delegate;

    LazyTrust(ServerTrust trust) {
      this.trust = trust;
    }

    private X509ExtendedTrustManager delegate() throws CertificateException {
      X509ExtendedTrustManager manager = delegate;
      if (manager == null) {
        synchronized (this) {
          manager = delegate;
          if (manager == null) {
            try {
              delegate = manager = trust.trustManager();
            } catch (GeneralSecurityException e) {
              throw new CertificateException(e.getMessage(), e);
            }
          }
        }
      }
      return manager;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate().checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      try {
        return delegate().getAcceptedIssuers();
      } catch (CertificateException e) {
        return new X509Certificate[0];
      }
    }
  }

  /**
   * Accepts any certificate and host name. Being an X509ExtendedTrustManager, the JDK does not wrap it
   * with its own host name check.
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
