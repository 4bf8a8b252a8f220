package org.slapos.slap.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throw-away certificates made at test time with the JDK's keytool, so that no private key is
 * committed. In the directory given to {@link #create}:
 * <ul>
 * <li>{@code ca.crt}: the test CA; {@code other-ca.crt}: an unrelated CA;</li>
 * <li>servers signed by the CA: {@code server} (SAN IP:127.0.0.1, DNS:localhost) and {@code wrong-name}
 * (SAN DNS:wrong.example only), reached through {@link #serverContext};</li>
 * <li>a self-signed server, {@code self-signed} (its certificate in {@code self-signed.crt});</li>
 * <li>clients signed by the CA: {@code client-rsa.crt} with {@code client-rsa-pkcs8.key} (PRIVATE KEY) and
 * {@code client-rsa-pkcs1.key} (RSA PRIVATE KEY); {@code client-ec.crt} (P-256) with
 * {@code client-ec-pkcs8.key} and {@code client-ec-sec1.key} (EC PARAMETERS + EC PRIVATE KEY, as
 * {@code openssl ecparam -genkey} writes it).</li>
 * </ul>
 */
final class TestPki {
  private static final String PASSWORD = "changeit";
  private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");

  private final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  /** Generates everything (about 15 keytool runs, four chains at a time). */
  static TestPki create(Path dir) throws Exception {
    TestPki pki = new TestPki(dir);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> roots = List.of(
          pool.submit(() -> pki.selfSigned("ca", "CN=SlapOS test CA", "EC", "bc:c")),
          pool.submit(() -> pki.selfSigned("other-ca", "CN=Unrelated test CA", "EC", "bc:c")),
          pool.submit(() -> pki.selfSigned("self-signed", "CN=127.0.0.1", "EC", "san=ip:127.0.0.1,dns:localhost")));
      List<Future<?>> leaves = new ArrayList<>();
      leaves.add(pool.submit(() -> pki.keyPair("server", "CN=127.0.0.1", "EC")));
      leaves.add(pool.submit(() -> pki.keyPair("wrong-name", "CN=wrong.example", "EC")));
      leaves.add(pool.submit(() -> pki.keyPair("client-rsa", "CN=client-rsa", "RSA")));
      leaves.add(pool.submit(() -> pki.keyPair("client-ec", "CN=client-ec", "EC")));
      for (Future<?> f : roots) {
        f.get(2, TimeUnit.MINUTES);
      }
      for (Future<?> f : leaves) {
        f.get(2, TimeUnit.MINUTES);
      }
      List<Future<?>> signed = List.of(
          pool.submit(() -> pki.sign("server", "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth")),
          pool.submit(() -> pki.sign("wrong-name", "san=dns:wrong.example", "eku=serverAuth")),
          pool.submit(() -> pki.sign("client-rsa", "eku=clientAuth")),
          pool.submit(() -> pki.sign("client-ec", "eku=clientAuth")));
      for (Future<?> f : signed) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    pki.writeCertificate("ca", "ca.crt");
    pki.writeCertificate("other-ca", "other-ca.crt");
    pki.writeCertificate("self-signed", "self-signed.crt");
    pki.writeClientKeys("client-rsa");
    pki.writeClientKeys("client-ec");
    return pki;
  }

  /**
   * A server-side context presenting {@code name}'s certificate (with the CA in its chain unless
   * self-signed) and trusting client certificates signed by the CA.
   */
  SSLContext serverContext(String name) throws Exception {
    KeyStore own = load(name);
    PrivateKey key = (PrivateKey) own.getKey(name, PASSWORD.toCharArray());
    Certificate[] chain = name.equals("self-signed")
        ? own.getCertificateChain(name)
        : new Certificate[] {certificate(file(name + ".crt")), load("ca").getCertificate("ca")};
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(name, key, PASSWORD.toCharArray(), chain);
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, PASSWORD.toCharArray());
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", load("ca").getCertificate("ca"));
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }

  private void selfSigned(String name, String subject, String algorithm, String extension) {
    keytool("-genkeypair", "-alias", name, "-keyalg", algorithm, "-dname", subject, "-validity", "2",
        "-ext", extension, "-keystore", store(name), "-storetype", "PKCS12", "-storepass", PASSWORD);
  }

  private void keyPair(String name, String subject, String algorithm) {
    keytool("-genkeypair", "-alias", name, "-keyalg", algorithm, "-dname", subject, "-validity", "2",
        "-keystore", store(name), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-certreq", "-alias", name, "-keystore", store(name), "-storepass", PASSWORD,
        "-file", file(name + ".csr").toString());
  }

  private void sign(String name, String... extensions) {
    List<String> command = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", store("ca"),
        "-storepass", PASSWORD, "-validity", "2", "-rfc", "-infile", file(name + ".csr").toString(),
        "-outfile", file(name + ".crt").toString()));
    for (String extension : extensions) {
      command.add("-ext");
      command.add(extension);
    }
    keytool(command.toArray(String[]::new));
  }

  private String store(String name) {
    return file(name + ".p12").toString();
  }

  private KeyStore load(String name) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file(name + ".p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private void writeCertificate(String name, String fileName) throws Exception {
    Files.writeString(file(fileName), pem("CERTIFICATE", load(name).getCertificate(name).getEncoded()),
        StandardCharsets.US_ASCII);
  }

  /** PKCS#8, plus PKCS#1 (RSA) or SEC1 (EC) taken out of it. */
  private void writeClientKeys(String name) throws Exception {
    byte[] pkcs8 = ((PrivateKey) load(name).getKey(name, PASSWORD.toCharArray())).getEncoded();
    Files.writeString(file(name + "-pkcs8.key"), pem("PRIVATE KEY", pkcs8), StandardCharsets.US_ASCII);
    // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier SEQUENCE { oid, params }, privateKey OCTET STRING }
    Tlv info = Tlv.read(pkcs8, 0);
    Tlv version = Tlv.read(pkcs8, info.contentStart);
    Tlv algorithm = Tlv.read(pkcs8, version.end);
    Tlv privateKey = Tlv.read(pkcs8, algorithm.end);
    byte[] inner = Arrays.copyOfRange(pkcs8, privateKey.contentStart, privateKey.end);
    if (name.contains("rsa")) {
      Files.writeString(file(name + "-pkcs1.key"), pem("RSA PRIVATE KEY", inner), StandardCharsets.US_ASCII);
      return;
    }
    Tlv oid = Tlv.read(pkcs8, algorithm.contentStart);
    byte[] curve = Arrays.copyOfRange(pkcs8, oid.end, Tlv.read(pkcs8, oid.end).end);
    // ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }
    Tlv ecKey = Tlv.read(inner, 0);
    Tlv ecVersion = Tlv.read(inner, ecKey.contentStart);
    Tlv secret = Tlv.read(inner, ecVersion.end);
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.write(inner, ecKey.contentStart, secret.end - ecKey.contentStart);
    content.writeBytes(Tlv.encode(0xa0, curve));
    content.write(inner, secret.end, ecKey.end - secret.end);
    byte[] sec1 = Tlv.encode(0x30, content.toByteArray());
    Files.writeString(file(name + "-sec1.key"), pem("EC PARAMETERS", curve) + pem("EC PRIVATE KEY", sec1),
        StandardCharsets.US_ASCII);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void keytool(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(KEYTOOL.toString());
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + KEYTOOL + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }

  /** One DER tag-length-value: where its content starts and where it ends. */
  private record Tlv(int tag, int contentStart, int end) {
    static Tlv read(byte[] data, int offset) {
      int first = data[offset + 1] & 0xff;
      int length;
      int start;
      if (first < 0x80) {
        length = first;
        start = offset + 2;
      } else {
        int count = first & 0x7f;
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (data[offset + 2 + i] & 0xff);
        }
        start = offset + 2 + count;
      }
      return new Tlv(data[offset] & 0xff, start, start + length);
    }

    static byte[] encode(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int length = content.length;
      if (length < 0x80) {
        out.write(length);
      } else if (length < 0x100) {
        out.write(0x81);
        out.write(length);
      } else {
        out.write(0x82);
        out.write(length >> 8);
        out.write(length);
      }
      out.writeBytes(content);
      return out.toByteArray();
    }
  }
}
