package org.slapos.cache.impl;

import org.slapos.cache.impl.testing.TestKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntrySignaturesTest {
  @TempDir
  Path dir;

  @Test
  void signsAndVerifiesWithTheCertificateListOnly() throws Exception {
    TestKeys trusted = TestKeys.generate(dir, "trusted");
    TestKeys other = TestKeys.generate(dir, "other");
    String entry = "{\"sha512\": \"00\"}";
    String signature = EntrySignatures.sign(EntrySignatures.readPrivateKey(trusted.privateKeyPem()), entry);
    EntrySignatures both = new EntrySignatures(EntrySignatures.parseCertificates(
        "junk before\n" + other.certificatePem() + trusted.certificatePem()));
    assertTrue(both.trusted(entry, signature));
    assertFalse(both.trusted(entry + " ", signature), "the text is signed byte for byte");
    assertFalse(both.trusted(entry, ""), "an empty signature is never trusted");
    assertFalse(both.trusted(entry, "not base64 !"));
    EntrySignatures onlyOther = new EntrySignatures(EntrySignatures.parseCertificates(other.certificatePem()));
    assertFalse(onlyOther.trusted(entry, signature));
    assertEquals(List.of(), EntrySignatures.parseCertificates(""));
  }

  @Test
  void readsTraditionalPkcs1KeysAsOpensslWritesThem() throws Exception {
    Path key = dir.resolve("rsa.key");
    Path cert = dir.resolve("rsa.crt");
    Process openssl;
    try {
      openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
          "-keyout", dir.resolve("pkcs8.key").toString(), "-out", cert.toString(), "-days", "1",
          "-subj", "/CN=pkcs1").redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "openssl is not installed");
      return;
    }
    openssl.getInputStream().readAllBytes();
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0);
    Process convert = new ProcessBuilder("openssl", "rsa", "-traditional", "-in",
        dir.resolve("pkcs8.key").toString(), "-out", key.toString()).redirectErrorStream(true).start();
    convert.getInputStream().readAllBytes();
    assertTrue(convert.waitFor(60, TimeUnit.SECONDS) && convert.exitValue() == 0);
    assertTrue(Files.readString(key).contains("BEGIN RSA PRIVATE KEY"));

    PrivateKey parsed = EntrySignatures.readPrivateKey(key);
    String certificate = Files.readString(cert, StandardCharsets.US_ASCII);
    assertTrue(EntrySignatures.matches(parsed, EntrySignatures.parseCertificates(certificate).get(0)));
    EntrySignatures verifier = new EntrySignatures(EntrySignatures.parseCertificates(certificate));
    assertTrue(verifier.trusted("{}", EntrySignatures.sign(parsed, "{}")));
  }
}
