package org.slapos.cache.shell;

import org.slapos.cache.impl.testing.TestKeys;
import org.slapos.cache.impl.testing.CacheServerHarness;
import org.slapos.command.api.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.cache.api.BinaryCacheFactory;
import org.slapos.cache.api.CacheEntry;
import org.slapos.cache.api.CacheLookup;
import org.slapos.cache.api.OsSignature;
import org.slapos.cache.impl.NetworkCacheFactoryComponent;
import org.slapos.command.api.CommandFailure;

/** {@code slapos cache lookup} against the real cache server on loopback. */
class CacheLookupCommandTest {
  private static final String URL = "https://lab.example/software/demo/software.cfg";

  @TempDir
  Path work;
  CacheServerHarness server;
  NetworkCacheFactoryComponent factory;

  @BeforeEach
  void start() throws Exception {
    server = new CacheServerHarness(work.resolve("server"));
    factory = new NetworkCacheFactoryComponent();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    factory.deactivate();
  }

  private Path configuration(String certificates, Path key) throws Exception {
    String indented = certificates.strip().replace("\n", "\n  ");
    Path cfg = work.resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\nsoftware_root = " + work.resolve("soft") + "\n\n[networkcache]\n"
        + "download-binary-cache-url = " + server.shacache() + "\n"
        + "download-binary-dir-url = " + server.shadir() + "\n"
        + "upload-binary-cache-url = " + server.shacache() + "\n"
        + "upload-binary-dir-url = " + server.shadir() + "\n"
        + (key == null ? "" : "signature-private-key-file = " + key + "\n")
        + "signature-certificate-list =\n  " + indented + "\n");
    return cfg;
  }

  @Test
  void listsTheSystemsThatHaveABinary() throws Exception {
    TestKeys keys = TestKeys.generate(Files.createDirectories(work.resolve("keys")), "uploader");
    Path cfg = configuration(keys.certificatePem(), keys.privateKeyPem());
    Path release = Files.createDirectories(work.resolve("soft").resolve("0123456789abcdef0123456789abcdef"));
    Files.writeString(release.resolve("file"), "x");
    try (BinaryCacheFactory.Session uploader = factory.open(Map.of(
        "upload-binary-cache-url", server.shacache().toString(),
        "upload-binary-dir-url", server.shadir().toString(),
        "signature-private-key-file", keys.privateKeyPem().toString(),
        "signature-certificate-list", keys.certificatePem()))) {
      uploader.upload(URL, new OsSignature("x86_64-linux-gnu", "debian", "12", "bookworm"), release);
      uploader.upload(URL, new OsSignature("x86_64-linux-gnu", "Ubuntu", "22.04", "jammy"), release);
    }

    TestContext context = new TestContext(work);
    int exit = new CacheLookupCommand(factory).run(context, List.of("--cfg", cfg.toString(), URL));

    assertEquals(0, exit);
    List<String> lines = context.stdout().lines().toList();
    assertEquals("Software URL: " + URL, lines.get(0));
    assertTrue(lines.get(1).startsWith("MD5:          "), lines.get(1));
    assertTrue(lines.get(3).contains("multiarch") && lines.get(3).contains("verified?"), lines.get(3));
    assertTrue(lines.get(5).contains(" Ubuntu ") && lines.get(5).strip().endsWith(" yes"), lines.get(5));
    assertTrue(lines.get(6).contains(" debian ") && lines.get(6).contains(" bookworm "), lines.get(6));
    assertEquals(8, lines.size(), context.stdout());
  }

  @Test
  void anUnknownReleaseFailsWithExitOne() throws Exception {
    TestKeys keys = TestKeys.generate(Files.createDirectories(work.resolve("keys")), "uploader");
    Path cfg = configuration(keys.certificatePem(), null);
    CommandFailure failure = assertThrows(CommandFailure.class, () -> new CacheLookupCommand(factory)
        .run(new TestContext(work), List.of("--cfg", cfg.toString(), "https://nowhere.example/x.cfg")));
    assertEquals(1, failure.exitCode());
    assertTrue(failure.getMessage().startsWith("Object not found in cache"), failure.getMessage());
  }

  @Test
  void aMissingKeyIsNamed() throws Exception {
    Path cfg = work.resolve("empty.cfg");
    Files.writeString(cfg, "[networkcache]\ndownload-binary-dir-url = " + server.shadir() + "\n");
    CommandFailure failure = assertThrows(CommandFailure.class, () -> new CacheLookupCommand(factory)
        .run(new TestContext(work), List.of("--cfg", cfg.toString(), URL)));
    assertEquals(1, failure.exitCode());
    assertTrue(failure.getMessage().contains("download-binary-cache-url"), failure.getMessage());
  }

  @Test
  void tableLayoutFollowsPrettytable() {
    OsSignature here = new OsSignature("x86_64-linux-gnu", "debian", "12", "");
    CacheLookup lookup = new CacheLookup("4410088e11f370503e9d78db4cfa4ec4", List.of(
        new CacheEntry(URL, "/opt/slapgrid", new OsSignature("x86_64-linux-gnu", "debian", "12.4", "bookworm"),
            "00", true, "{}")));
    List<String> lines = LookupTable.render(URL, lookup, here);
    assertEquals(List.of(
        "Software URL: " + URL,
        "MD5:          4410088e11f370503e9d78db4cfa4ec4",
        "----------------------------------------------------------------------",
        "    multiarch     distribution version    id    compatible? verified? ",
        "----------------------------------------------------------------------",
        " x86_64-linux-gnu    debian      12.4  bookworm     yes        yes    ",
        "----------------------------------------------------------------------"), lines);
  }
}
