package org.slapos.slap.client.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import org.slapos.slap.api.AuthenticationError;
import org.slapos.slap.client.internal.Pem;

/**
 * A TLS client certificate read from the PEM files SlapOS configurations name (the node's
 * {@code key_file}/{@code cert_file} for the master, {@code shacache-key-file}/{@code shacache-cert-file}
 * for a cache...): the private key as PKCS#8, PKCS#1 or SEC1, the certificate with its chain. Read
 * once, when built: a missing, unreadable or mismatched file fails then, with one line naming it.
 */
public final class ClientCertificate {
  private final PrivateKey key;
  private final X509Certificate[] chain;

  private ClientCertificate(PrivateKey key, X509Certificate[] chain) {
    this.key = key;
    this.chain = chain;
  }

  /**
   * Reads a key and its certificate.
   *
   * @param keyFile the private key (PEM); null when it is in {@code certificateFile} (one file holding
   *     both, as Python's {@code ssl.load_cert_chain(certfile)} reads it)
   * @param keyRole how messages name the key file, for example {@code "key file"}
   * @param certificateFile the certificate, then its chain (PEM)
   * @param certificateRole how messages name the certificate file
   * @throws GeneralSecurityException with a one-line message naming the file at fault
   */
  public static ClientCertificate read(Path keyFile, String keyRole, Path certificateFile, String certificateRole)
      throws GeneralSecurityException {
    Objects.requireNonNull(certificateFile, "certificateFile");
    Path keySource = keyFile == null ? certificateFile : keyFile;
    String keySourceRole = keyFile == null ? certificateRole : keyRole;
    PrivateKey key;
    try {
      key = Pem.readPrivateKey(keySource, keySourceRole);
    } catch (AuthenticationError e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
    List<X509Certificate> chain = ServerTrust.readCertificates(certificateFile, certificateRole);
    if (!sameAlgorithm(key, chain.get(0))) {
      throw new GeneralSecurityException("The key in " + keySourceRole + " " + keySource + " (" + key.getAlgorithm()
          + ") does not match the certificate in " + certificateRole + " " + certificateFile + " ("
          + chain.get(0).getPublicKey().getAlgorithm() + ")");
    }
    return new ClientCertificate(key, chain.toArray(new X509Certificate[0]));
  }

  /** The certificate this client presents. */
  public X509Certificate certificate() {
    return chain[0];
  }

  /** Key managers for {@link ServerTrust#sslContext}: they always offer this certificate. */
  public KeyManager[] keyManagers() {
    return new KeyManager[] {new FixedClientKey(key, chain)};
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
