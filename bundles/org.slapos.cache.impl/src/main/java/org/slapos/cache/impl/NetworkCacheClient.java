package org.slapos.cache.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slapos.cache.api.BinaryCache;
import org.slapos.cache.api.CacheEntry;
import org.slapos.cache.api.CacheException;
import org.slapos.cache.api.CacheException.Code;
import org.slapos.cache.api.CacheLookup;
import org.slapos.cache.api.OsSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binary cache without OSGi: {@link NetworkCacheComponent} builds one from its configuration
 * and an executor it owns; tests build one directly.
 */
final class NetworkCacheClient implements BinaryCache {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkCacheClient.class);
  private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SHA512 = Pattern.compile("[0-9a-f]{128}");
  private static final Pattern PYTHON_STRING = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CacheSettings settings;
  private final OsSignature localSystem;
  private final EntrySignatures signatures;
  private final PrivateKey signingKey;
  private final CacheHttp shacache;
  private final CacheHttp shadir;
  /** Counted down on close: ends a wait between upload attempts at once. */
  private final CountDownLatch closed = new CountDownLatch(1);

  NetworkCacheClient(CacheSettings settings, OsSignature localSystem, Executor executor) {
    this.settings = settings;
    this.localSystem = localSystem;
    List<X509Certificate> trusted;
    try {
      trusted = EntrySignatures.parseCertificates(settings.trustedCertificatesPem());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("signature-certificate-list holds an invalid certificate: "
          + e.getMessage(), e);
    }
    this.signatures = new EntrySignatures(trusted);
    if (settings.signingKey() != null) {
      try {
        this.signingKey = EntrySignatures.readPrivateKey(settings.signingKey());
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException("signature-private-key-file " + settings.signingKey()
            + " is not a readable RSA key: " + e.getMessage(), e);
      }
      // as newer originals: never publish entries this node's own trust list would refuse
      if (trusted.stream().noneMatch(c -> EntrySignatures.matches(signingKey, c))) {
        throw new IllegalArgumentException("signature-private-key-file: no matching certificate for "
            + "private key in signature-certificate-list");
      }
    } else {
      this.signingKey = null;
    }
    this.shacache = new CacheHttp(settings.shacacheCaFile(), "shacache-ca-file", settings.shacacheClient(),
        settings.connectTimeout(), settings.transferTimeout(), executor);
    this.shadir = new CacheHttp(settings.shadirCaFile(), "shadir-ca-file", settings.shadirClient(),
        settings.connectTimeout(), settings.transferTimeout(), executor);
  }

  /** Ends any wait between upload attempts. */
  void close() {
    closed.countDown();
  }

  @Override
  public OsSignature localSystem() {
    return localSystem;
  }

  /** The shadir key of a Software Release: the md5 hex of its URL, or the md5 given. */
  static String keyOf(String softwareUrlOrMd5) {
    if (MD5.matcher(softwareUrlOrMd5).matches()) {
      return softwareUrlOrMd5;
    }
    return md5(softwareUrlOrMd5);
  }

  static String md5(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 missing from the JDK", e);
    }
  }

  @Override
  public CacheLookup lookup(String softwareUrlOrMd5) throws CacheException {
    if (settings.downloadDir() == null) {
      throw new CacheException(Code.NOT_CONFIGURED, "download-binary-dir-url is not configured");
    }
    String key = keyOf(softwareUrlOrMd5);
    return new CacheLookup(key, entries(key));
  }

  @Override
  public Optional<CacheEntry> install(String softwareUrl, OsSignature system, Path releaseDirectory)
      throws CacheException {
    if (settings.downloadDir() == null || settings.downloadCache() == null) {
      return Optional.empty();
    }
    if (settings.downloadBlacklist().stream().anyMatch(softwareUrl::startsWith)) {
      LOG.debug("{} is blacklisted for binary cache download", softwareUrl);
      return Optional.empty();
    }
    String key = keyOf(softwareUrl);
    List<CacheEntry> entries;
    try {
      entries = entries(key);
    } catch (CacheException e) {
      if (e.code() == Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    CacheEntry chosen = null;
    int untrusted = 0;
    for (CacheEntry entry : entries) {
      if (!entry.trusted()) {
        untrusted++;
      } else if (entry.os().compatibleWith(system) && chosen == null) {
        chosen = entry;
      }
    }
    if (chosen == null) {
      if (untrusted > 0 && untrusted == entries.size()) {
        throw new CacheException(Code.UNTRUSTED, "no entry for " + softwareUrl
            + " is signed by a trusted certificate (" + untrusted + " refused)");
      }
      return Optional.empty();
    }
    Path tarball = download(chosen.sha512(), releaseDirectory);
    try (InputStream in = Files.newInputStream(tarball)) {
      Tarballs.unpack(in, releaseDirectory.getFileName().toString(), releaseDirectory);
    } catch (IOException e) {
      throw new CacheException(Code.IO, "cannot read " + tarball + ": " + e.getMessage(), e);
    } finally {
      deleteIfExists(tarball);
    }
    LOG.info("Installed {} from the binary cache (sha512 {})", softwareUrl, chosen.sha512());
    return Optional.of(chosen);
  }

  @Override
  public CacheEntry upload(String softwareUrl, OsSignature system, Path releaseDirectory)
      throws CacheException {
    if (signingKey == null || settings.uploadCache() == null || settings.uploadDir() == null) {
      throw new CacheException(Code.NOT_CONFIGURED, "upload needs signature-private-key-file, "
          + "upload-binary-cache-url and upload-binary-dir-url");
    }
    if (settings.uploadBlacklist().stream().anyMatch(softwareUrl::startsWith)) {
      throw new CacheException(Code.EXCLUDED, softwareUrl + " is in upload-to-binary-cache-url-blacklist");
    }
    if (!settings.uploadWhitelist().isEmpty()
        && settings.uploadWhitelist().stream().noneMatch(softwareUrl::startsWith)) {
      throw new CacheException(Code.EXCLUDED, softwareUrl + " is not in upload-to-binary-cache-url-whitelist");
    }
    if (!Files.isDirectory(releaseDirectory)) {
      throw new CacheException(Code.IO, "no release directory " + releaseDirectory);
    }
    Path tarball = null;
    try {
      tarball = Files.createTempFile(releaseDirectory.toAbsolutePath().getParent(),
          "." + releaseDirectory.getFileName(), ".tar.gz");
      String sha512;
      try (OutputStream file = Files.newOutputStream(tarball);
          DigestOutputStream digest = new DigestOutputStream(file, MessageDigest.getInstance("SHA-512"))) {
        Tarballs.pack(releaseDirectory, releaseDirectory.getFileName().toString(), digest);
        digest.flush();
        sha512 = HexFormat.of().formatHex(digest.getMessageDigest().digest());
      }
      String entryJson = entryJson(sha512, softwareUrl,
          releaseDirectory.toAbsolutePath().getParent().toString(), system);
      String signature = EntrySignatures.sign(signingKey, entryJson);
      CacheEntry entry = new CacheEntry(softwareUrl,
          releaseDirectory.toAbsolutePath().getParent().toString(), system, sha512, true, entryJson);
      uploadWithRetries(tarball, sha512, keyOf(softwareUrl), entryJson, signature);
      LOG.info("Uploaded {} to the binary cache (sha512 {})", softwareUrl, sha512);
      return entry;
    } catch (IOException e) {
      throw new CacheException(Code.IO, "cannot pack " + releaseDirectory + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new CacheException(Code.IO, "cannot sign the entry: " + e.getMessage(), e);
    } finally {
      if (tarball != null) {
        deleteIfExists(tarball);
      }
    }
  }

  private void uploadWithRetries(Path tarball, String sha512, String key, String entryJson,
      String signature) throws CacheException {
    CacheException last = null;
    for (int attempt = 1; attempt <= settings.uploadAttempts(); attempt++) {
      try {
        putBlob(tarball, sha512);
        putEntry(key, entryJson, signature);
        return;
      } catch (CacheException e) {
        last = e;
        LOG.warn("Upload attempt {} of {} failed: {}", attempt, settings.uploadAttempts(), e.getMessage());
      }
      if (attempt < settings.uploadAttempts() && waitUnlessClosed()) {
        break;
      }
    }
    throw new CacheException(Code.TRANSFER, "upload failed: " + last.getMessage(), last);
  }

  /** Waits the retry delay; true when the client was closed meanwhile. */
  private boolean waitUnlessClosed() throws CacheException {
    try {
      return closed.await(settings.uploadRetryDelay().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException(Code.TRANSFER, "upload interrupted", e);
    }
  }

  private void putBlob(Path tarball, String sha512) throws CacheException {
    URI base = settings.uploadCache();
    HttpResponse<InputStream> existing = shacache.send(
        shacache.request(base, CacheHttp.under(base, sha512)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    CacheHttp.discard(existing);
    if (existing.statusCode() / 100 == 2) {
      return;
    }
    HttpRequest post;
    try {
      post = shacache.request(base, CacheHttp.withoutUserInfo(base))
          .header("Content-Type", "application/octet-stream")
          .POST(HttpRequest.BodyPublishers.ofFile(tarball)).build();
    } catch (IOException e) {
      throw new CacheException(Code.IO, "cannot read " + tarball + ": " + e.getMessage(), e);
    }
    HttpResponse<String> response = shacache.send(post, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201 || !response.body().trim().equals(sha512)) {
      throw new CacheException(Code.TRANSFER, "shacache " + CacheHttp.withoutUserInfo(base)
          + " refused the tarball: HTTP " + response.statusCode());
    }
  }

  private void putEntry(String key, String entryJson, String signature) throws CacheException {
    URI base = settings.uploadDir();
    String body;
    try {
      body = JSON.writeValueAsString(List.of(entryJson, signature));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of two strings always serialises", e);
    }
    HttpResponse<String> response = shadir.send(
        shadir.request(base, CacheHttp.under(base, key))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201 && response.statusCode() != 200) {
      throw new CacheException(Code.TRANSFER, "shadir " + CacheHttp.withoutUserInfo(base)
          + " refused the entry: HTTP " + response.statusCode());
    }
  }

  /** The entry text, with Python's {@code json.dumps} separators as the original signs it. */
  static String entryJson(String sha512, String softwareUrl, String softwareRoot, OsSignature os) {
    try {
      return "{\"multiarch\": " + JSON.writeValueAsString(os.multiarch())
          + ", \"os\": [" + JSON.writeValueAsString(os.distribution()) + ", "
          + JSON.writeValueAsString(os.version()) + ", " + JSON.writeValueAsString(os.codename()) + "]"
          + ", \"sha512\": " + JSON.writeValueAsString(sha512)
          + ", \"software_root\": " + JSON.writeValueAsString(softwareRoot)
          + ", \"software_url\": " + JSON.writeValueAsString(softwareUrl) + "}";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings always serialise", e);
    }
  }

  private List<CacheEntry> entries(String key) throws CacheException {
    URI base = settings.downloadDir();
    HttpResponse<byte[]> response = shadir.send(
        shadir.request(base, CacheHttp.under(base, key)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      throw new CacheException(Code.NOT_FOUND, "Object not found in cache: " + key);
    }
    if (response.statusCode() != 200) {
      throw new CacheException(Code.TRANSFER, "shadir " + CacheHttp.withoutUserInfo(base)
          + " answered HTTP " + response.statusCode() + " for " + key);
    }
    JsonNode list;
    try {
      list = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new CacheException(Code.TRANSFER, "shadir answer for " + key + " is not JSON", e);
    }
    if (list == null || !list.isArray()) {
      throw new CacheException(Code.TRANSFER, "shadir answer for " + key + " is not a list");
    }
    List<CacheEntry> entries = new ArrayList<>();
    for (JsonNode item : list) {
      if (!item.isArray() || item.size() != 2 || !item.get(0).isTextual()) {
        LOG.warn("Ignoring a malformed shadir item under {}", key);
        continue;
      }
      String entryJson = item.get(0).asText();
      String signature = item.get(1).isTextual() ? item.get(1).asText() : "";
      CacheEntry entry = parseEntry(entryJson, signatures.trusted(entryJson, signature));
      if (entry != null) {
        entries.add(entry);
      }
    }
    return entries;
  }

  /** One entry, with the original's reading of legacy entries; null when unusable. */
  static CacheEntry parseEntry(String entryJson, boolean trusted) {
    JsonNode entry;
    try {
      entry = JSON.readTree(entryJson);
    } catch (IOException e) {
      return null;
    }
    if (entry == null || !entry.isObject()) {
      return null;
    }
    String sha512 = entry.path("sha512").asText("");
    String multiarch = entry.path("multiarch").asText("");
    List<String> os = new ArrayList<>();
    JsonNode osNode = entry.path("os");
    if (osNode.isArray()) {
      osNode.forEach(n -> os.add(n.asText("")));
    } else if (osNode.isTextual()) {
      // legacy entries hold a Python tuple literal: "('debian', '7.0', '')"
      Matcher m = PYTHON_STRING.matcher(osNode.asText());
      while (m.find()) {
        os.add(m.group(1) != null ? m.group(1) : m.group(2));
      }
    }
    if (multiarch.isEmpty() && "x86_64".equals(entry.path("machine").asText(""))) {
      multiarch = "x86_64-linux-gnu";
    }
    while (os.size() < 3) {
      os.add("");
    }
    return new CacheEntry(entry.path("software_url").asText(""),
        entry.path("software_root").asText(""),
        new OsSignature(multiarch, os.get(0), os.get(1), os.get(2)), sha512, trusted, entryJson);
  }

  /** Downloads a blob next to {@code releaseDirectory}, checking its SHA-512 and size while reading. */
  private Path download(String sha512, Path releaseDirectory) throws CacheException {
    if (!SHA512.matcher(sha512).matches()) {
      throw new CacheException(Code.CHECKSUM_MISMATCH, "entry has no valid sha512: " + sha512);
    }
    URI base = settings.downloadCache();
    HttpResponse<InputStream> response = shacache.send(
        shacache.request(base, CacheHttp.under(base, sha512)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      CacheHttp.discard(response);
      throw new CacheException(Code.TRANSFER, "shacache " + CacheHttp.withoutUserInfo(base)
          + " answered HTTP " + response.statusCode() + " for " + sha512);
    }
    Path tarball = null;
    try (InputStream body = response.body()) {
      Path parent = releaseDirectory.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      tarball = Files.createTempFile(parent, "." + releaseDirectory.getFileName(), ".download");
      MessageDigest digest = MessageDigest.getInstance("SHA-512");
      long total = 0;
      byte[] buffer = new byte[64 * 1024];
      try (OutputStream out = Files.newOutputStream(tarball)) {
        for (int read; (read = body.read(buffer)) >= 0; ) {
          total += read;
          if (total > settings.maxTarballBytes()) {
            throw new CacheException(Code.TRANSFER, "tarball " + sha512 + " exceeds max-tarball-mib");
          }
          digest.update(buffer, 0, read);
          out.write(buffer, 0, read);
        }
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (!actual.equals(sha512)) {
        throw new CacheException(Code.CHECKSUM_MISMATCH,
            "downloaded tarball has sha512 " + actual + ", the entry announces " + sha512);
      }
      Path done = tarball;
      tarball = null;
      return done;
    } catch (IOException e) {
      throw new CacheException(Code.TRANSFER, "download of " + sha512 + " failed: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 missing from the JDK", e);
    } finally {
      if (tarball != null) {
        deleteIfExists(tarball);
      }
    }
  }

  private static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Cannot delete {}: {}", file, e.getMessage());
    }
  }
}
