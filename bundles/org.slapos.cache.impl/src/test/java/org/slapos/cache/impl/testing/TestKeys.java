package org.slapos.cache.impl.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An RSA key pair and self-signed certificate made at test time with the JDK's keytool, written as
 * PEM files the way slapos.cfg references them ({@code <name>.key}, {@code <name>.crt}). Nothing is
 * committed. Shared with other bundles' tests through this module's test-jar.
 */
public record TestKeys(Path privateKeyPem, String certificatePem) {

  public static TestKeys generate(Path directory, String name) throws Exception {
    return generate(directory, name, new String[0]);
  }

  /**
   * @param keytoolOptions more {@code keytool -genkeypair} options, e.g. {@code "-ext",
   *     "san=ip:127.0.0.1"} for a server certificate
   */
  public static TestKeys generate(Path directory, String name, String... keytoolOptions) throws Exception {
    Path store = directory.resolve(name + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-keyalg", "RSA",
        "-keysize", "2048", "-alias", name, "-dname", "CN=" + name, "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
        "-keypass", "changeit"));
    command.addAll(List.of(keytoolOptions));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, "changeit".toCharArray());
    }
    PrivateKey key = (PrivateKey) keyStore.getKey(name, "changeit".toCharArray());
    Certificate certificate = keyStore.getCertificate(name);
    Path keyFile = directory.resolve(name + ".key");
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    String certificatePem = pem("CERTIFICATE", certificate.getEncoded());
    Files.writeString(directory.resolve(name + ".crt"), certificatePem);
    return new TestKeys(keyFile, certificatePem);
  }

  /** The certificate as a PEM file, next to the key. */
  public Path certificateFile() {
    String keyName = privateKeyPem.getFileName().toString();
    return privateKeyPem.resolveSibling(keyName.substring(0, keyName.length() - ".key".length()) + ".crt");
  }

  /** The certificate itself. */
  public X509Certificate certificate() throws Exception {
    try (InputStream in = Files.newInputStream(certificateFile())) {
      return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /**
   * A server-side TLS context presenting this certificate and trusting exactly {@code clients} as
   * client certificates.
   */
  public SSLContext serverContext(X509Certificate... clients) throws Exception {
    String keyName = privateKeyPem.getFileName().toString();
    KeyStore own = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(privateKeyPem.resolveSibling(
        keyName.substring(0, keyName.length() - ".key".length()) + ".p12"))) {
      own.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(own, "changeit".toCharArray());
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    for (int i = 0; i < clients.length; i++) {
      trusted.setCertificateEntry("client-" + i, clients[i]);
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
