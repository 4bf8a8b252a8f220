package org.slapos.cache.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shadir entry signatures as the original makes them: base64 of an RSA-SHA1 signature over the
 * entry's JSON text, exactly as stored. An entry is trusted when a certificate of the trusted list
 * verifies it.
 */
final class EntrySignatures {
  private static final Pattern CERTIFICATE = Pattern.compile(
      "-----BEGIN CERTIFICATE-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END CERTIFICATE-----");
  private static final Pattern PKCS8 = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END PRIVATE KEY-----");
  private static final Pattern PKCS1 = Pattern.compile(
      "-----BEGIN RSA PRIVATE KEY-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END RSA PRIVATE KEY-----");
  /** The PKCS#8 header of an RSA key, before the PKCS#1 bytes (AlgorithmIdentifier rsaEncryption). */
  private static final byte[] RSA_ALGORITHM = {
      0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
      0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  private static final String ALGORITHM = "SHA1withRSA";

  private final List<PublicKey> trusted;

  EntrySignatures(List<X509Certificate> trustedCertificates) {
    List<PublicKey> keys = new ArrayList<>();
    trustedCertificates.forEach(c -> keys.add(c.getPublicKey()));
    this.trusted = List.copyOf(keys);
  }

  /** The certificates of a concatenated PEM text ({@code signature-certificate-list}). */
  static List<X509Certificate> parseCertificates(String pem) throws GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Matcher matcher = CERTIFICATE.matcher(pem == null ? "" : pem);
    while (matcher.find()) {
      byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
      out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
    }
    return out;
  }

  /** An RSA private key from a PEM file, PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
  static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher pkcs8 = PKCS8.matcher(text);
    byte[] der;
    if (pkcs8.find()) {
      der = Base64.getMimeDecoder().decode(pkcs8.group(1));
    } else {
      Matcher pkcs1 = PKCS1.matcher(text);
      if (!pkcs1.find()) {
        throw new GeneralSecurityException("no RSA private key in " + file);
      }
      der = wrapPkcs1(Base64.getMimeDecoder().decode(pkcs1.group(1)));
    }
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** Whether {@code certificate} holds the public half of {@code key}. */
  static boolean matches(PrivateKey key, X509Certificate certificate) {
    if (key instanceof RSAPrivateCrtKey crt
        && certificate.getPublicKey() instanceof java.security.interfaces.RSAPublicKey pub) {
      return crt.getModulus().equals(pub.getModulus())
          && crt.getPublicExponent().equals(pub.getPublicExponent());
    }
    return false;
  }

  static String sign(PrivateKey key, String entryJson) throws GeneralSecurityException {
    Signature signature = Signature.getInstance(ALGORITHM);
    signature.initSign(key);
    signature.update(entryJson.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(signature.sign());
  }

  /** Whether a trusted certificate verifies {@code signatureBase64} on {@code entryJson}. */
  boolean trusted(String entryJson, String signatureBase64) {
    if (signatureBase64 == null || signatureBase64.isEmpty() || trusted.isEmpty()) {
      return false;
    }
    byte[] signatureBytes;
    try {
      signatureBytes = Base64.getMimeDecoder().decode(signatureBase64);
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] data = entryJson.getBytes(StandardCharsets.UTF_8);
    for (PublicKey key : trusted) {
      try {
        Signature verifier = Signature.getInstance(ALGORITHM);
        verifier.initVerify(key);
        verifier.update(data);
        if (verifier.verify(signatureBytes)) {
          return true;
        }
      } catch (GeneralSecurityException e) {
        // a malformed signature for this key: try the next certificate
      }
    }
    return false;
  }

  private static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] octets = concat(new byte[] {0x04}, derLength(pkcs1.length), pkcs1);
    byte[] body = concat(RSA_ALGORITHM, octets);
    return concat(new byte[] {0x30}, derLength(body.length), body);
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    if (length < 0x100) {
      return new byte[] {(byte) 0x81, (byte) length};
    }
    if (length < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
    }
    return new byte[] {(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    byte[] out = new byte[size];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

}
