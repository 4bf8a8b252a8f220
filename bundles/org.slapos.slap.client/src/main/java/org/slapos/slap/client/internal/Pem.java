package org.slapos.slap.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slapos.slap.api.AuthenticationError;
import org.slapos.slap.client.tls.ServerTrust;

/**
 * Reads the PEM files SlapOS uses for TLS client authentication, with the JDK only: certificates,
 * and private keys as PKCS#8 ({@code PRIVATE KEY}, RSA/EC/EdDSA/DSA), PKCS#1 ({@code RSA PRIVATE KEY})
 * or SEC1 ({@code EC PRIVATE KEY}). The two legacy forms are re-wrapped into PKCS#8 by hand so that no
 * BouncyCastle is needed.
 */
public final class Pem {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

  // DER of the AlgorithmIdentifier OIDs: rsaEncryption 1.2.840.113549.1.1.1, id-ecPublicKey 1.2.840.10045.2.1
  private static final byte[] OID_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  private static final byte[] OID_EC = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
  private static final byte[] DER_NULL = {0x05, 0x00};
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private Pem() {
  }

  record Block(String type, byte[] der, boolean encrypted) {
  }

  static List<X509Certificate> readCertificates(Path file, String role) throws AuthenticationError {
    try {
      return ServerTrust.readCertificates(file, role);
    } catch (GeneralSecurityException e) {
      throw new AuthenticationError(e.getMessage(), e);
    }
  }

  /** The first private key of a PEM file; {@code role} names the file in messages. */
  public static PrivateKey readPrivateKey(Path file, String role) throws AuthenticationError {
    String text = readText(file, role);
    List<Block> blocks;
    try {
      blocks = blocks(text);
    } catch (IllegalArgumentException e) {
      throw new AuthenticationError("Invalid PEM in " + role + " " + file + ": " + e.getMessage(), e);
    }
    for (Block block : blocks) {
      if (block.encrypted() || block.type().equals("ENCRYPTED PRIVATE KEY")) {
        throw new AuthenticationError("Encrypted private keys are not supported: " + role + " " + file);
      }
      try {
        switch (block.type()) {
          case "PRIVATE KEY":
            return pkcs8(block.der());
          case "RSA PRIVATE KEY":
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                sequence(VERSION_0, sequence(OID_RSA, DER_NULL), octetString(block.der()))));
          case "EC PRIVATE KEY":
            byte[] curve = sec1CurveOid(block.der());
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                sequence(VERSION_0, sequence(OID_EC, curve), octetString(block.der()))));
          default:
            // e.g. EC PARAMETERS written by openssl before the key, or a certificate in the same file
            break;
        }
      } catch (GeneralSecurityException | IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new AuthenticationError("Invalid " + block.type() + " in " + role + " " + file + ": " + e.getMessage(), e);
      }
    }
    throw new AuthenticationError("No PEM private key found in " + role + " " + file);
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  private static String readText(Path file, String role) throws AuthenticationError {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new AuthenticationError("Cannot read " + role + " " + file + ": " + e, e);
    }
  }

  static List<Block> blocks(String text) {
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      StringBuilder base64 = new StringBuilder();
      boolean encrypted = false;
      for (String line : m.group(2).split("\\r?\\n")) {
        if (line.contains(":")) {
          // RFC 1421 headers such as "Proc-Type: 4,ENCRYPTED" / "DEK-Info: ..."
          encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
          continue;
        }
        base64.append(line.trim());
      }
      blocks.add(new Block(m.group(1), Base64.getDecoder().decode(base64.toString()), encrypted));
    }
    return blocks;
  }

  /** The namedCurve OID in the [0] parameters of a SEC1 ECPrivateKey (RFC 5915). */
  private static byte[] sec1CurveOid(byte[] der) {
    Der outer = new Der(der, 0);
    if (outer.tag != 0x30) {
      throw new IllegalArgumentException("ECPrivateKey is not a SEQUENCE");
    }
    int position = outer.contentStart;
    int end = outer.contentStart + outer.length;
    while (position < end) {
      Der item = new Der(der, position);
      if (item.tag == 0xa0) {
        Der oid = new Der(der, item.contentStart);
        if (oid.tag != 0x06) {
          throw new IllegalArgumentException("only named curves are supported");
        }
        byte[] copy = new byte[oid.end() - item.contentStart];
        System.arraycopy(der, item.contentStart, copy, 0, copy.length);
        return copy;
      }
      position = item.end();
    }
    throw new IllegalArgumentException("EC PRIVATE KEY without curve parameters");
  }

  /** One DER TLV header. */
  private static final class Der {
    final int tag;
    final int length;
    final int contentStart;

    Der(byte[] data, int offset) {
      tag = data[offset] & 0xff;
      int first = data[offset + 1] & 0xff;
      if (first < 0x80) {
        length = first;
        contentStart = offset + 2;
      } else {
        int count = first & 0x7f;
        if (count == 0 || count > 4) {
          throw new IllegalArgumentException("unsupported DER length");
        }
        int value = 0;
        for (int i = 0; i < count; i++) {
          value = (value << 8) | (data[offset + 2 + i] & 0xff);
        }
        length = value;
        contentStart = offset + 2 + count;
      }
      if (length < 0 || contentStart + length > data.length) {
        throw new IllegalArgumentException("truncated DER");
      }
    }

    int end() {
      return contentStart + length;
    }
  }

  private static byte[] sequence(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] octetString(byte[] content) {
    return tlv(0x04, content);
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length);
    } else {
      out.write(0x83);
      out.write(length >> 16);
      out.write(length >> 8);
      out.write(length);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
