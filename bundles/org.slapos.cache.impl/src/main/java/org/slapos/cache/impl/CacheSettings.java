package org.slapos.cache.impl;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Validated client settings. Empty URLs mean "that direction is off".
 *
 * @param downloadCache shacache to download from, or null
 * @param downloadDir shadir to read from, or null
 * @param uploadCache shacache to upload to, or null
 * @param uploadDir shadir to publish to, or null
 * @param signingKey private key file, or null
 * @param trustedCertificatesPem concatenated PEM certificates (may be empty)
 * @param shacacheCaFile extra CA file for https shacache, or null
 * @param shadirCaFile extra CA file for https shadir, or null
 * @param shacacheClient TLS client certificate for https shacache, or null
 * @param shadirClient TLS client certificate for https shadir, or null
 */
record CacheSettings(URI downloadCache, URI downloadDir, URI uploadCache, URI uploadDir,
    Path signingKey, String trustedCertificatesPem, Path shacacheCaFile, Path shadirCaFile,
    ClientKeyFiles shacacheClient, ClientKeyFiles shadirClient,
    List<String> downloadBlacklist, List<String> uploadBlacklist, List<String> uploadWhitelist,
    Duration connectTimeout, Duration transferTimeout, int uploadAttempts, Duration uploadRetryDelay,
    long maxTarballBytes) {

  /**
   * The PEM files of a TLS client certificate ({@code shacache-cert-file}, {@code shacache-key-file}...).
   *
   * @param certificate the certificate and its chain
   * @param key the private key, or null when it is in {@code certificate}
   * @param certificateKey the configuration key naming the certificate file, for messages
   * @param keyKey the configuration key naming the key file, for messages
   */
  record ClientKeyFiles(Path certificate, Path key, String certificateKey, String keyKey) {
    /** The files of two keys' values, or null when both are empty; a key file alone is an error. */
    static ClientKeyFiles of(String certificate, String key, String certificateKey, String keyKey) {
      Path certificatePath = existingFile(certificate, certificateKey);
      Path keyPath = existingFile(key, keyKey);
      if (certificatePath == null && keyPath != null) {
        throw new IllegalArgumentException(keyKey + " is set but " + certificateKey + " is not");
      }
      return certificatePath == null ? null : new ClientKeyFiles(certificatePath, keyPath, certificateKey, keyKey);
    }
  }

  CacheSettings {
    downloadBlacklist = List.copyOf(downloadBlacklist);
    uploadBlacklist = List.copyOf(uploadBlacklist);
    uploadWhitelist = List.copyOf(uploadWhitelist);
    if (uploadAttempts < 1) {
      throw new IllegalArgumentException("upload-attempts must be at least 1, not " + uploadAttempts);
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connect-timeout-seconds must be positive");
    }
    if (transferTimeout.isNegative() || transferTimeout.isZero()) {
      throw new IllegalArgumentException("transfer-timeout-seconds must be positive");
    }
    if (uploadRetryDelay.isNegative()) {
      throw new IllegalArgumentException("upload-retry-delay-seconds must not be negative");
    }
    if (maxTarballBytes <= 0) {
      throw new IllegalArgumentException("max-tarball-mib must be positive");
    }
  }

  static CacheSettings from(NetworkCacheConfig config) {
    List<String> downloadBlacklist = lines(config.download_from_binary_cache_url_blacklist());
    if (downloadBlacklist.isEmpty()) {
      downloadBlacklist = lines(config.binary_cache_url_blacklist());
    }
    return new CacheSettings(
        url(config.download_binary_cache_url(), "download-binary-cache-url"),
        url(config.download_binary_dir_url(), "download-binary-dir-url"),
        url(config.upload_binary_cache_url(), "upload-binary-cache-url"),
        url(config.upload_binary_dir_url(), "upload-binary-dir-url"),
        existingFile(config.signature_private_key_file(), "signature-private-key-file"),
        String.join("\n", config.signature_certificate_list()),
        existingFile(config.shacache_ca_file(), "shacache-ca-file"),
        existingFile(config.shadir_ca_file(), "shadir-ca-file"),
        ClientKeyFiles.of(config.shacache_cert_file(), config.shacache_key_file(),
            "shacache-cert-file", "shacache-key-file"),
        ClientKeyFiles.of(config.shadir_cert_file(), config.shadir_key_file(),
            "shadir-cert-file", "shadir-key-file"),
        downloadBlacklist,
        lines(config.upload_to_binary_cache_url_blacklist()),
        lines(config.upload_to_binary_cache_url_whitelist()),
        Duration.ofSeconds(config.connect_timeout_seconds()),
        Duration.ofSeconds(config.transfer_timeout_seconds()),
        config.upload_attempts(),
        Duration.ofSeconds(config.upload_retry_delay_seconds()),
        config.max_tarball_mib() * 1024 * 1024);
  }

  /** Settings from a slapos.cfg {@code [networkcache]} section (keys with {@code -} or {@code _}). */
  static CacheSettings fromSection(java.util.Map<String, String> section) {
    java.util.Map<String, String> keys = new java.util.HashMap<>();
    section.forEach((k, v) -> keys.put(k.replace('_', '-'), v));
    java.util.function.Function<String, String> get = k -> keys.getOrDefault(k, "");
    java.util.function.Function<String, String[]> list = k -> new String[] {get.apply(k)};
    List<String> downloadBlacklist = lines(list.apply("download-from-binary-cache-url-blacklist"));
    if (downloadBlacklist.isEmpty()) {
      downloadBlacklist = lines(list.apply("binary-cache-url-blacklist"));
    }
    return new CacheSettings(
        url(get.apply("download-binary-cache-url"), "download-binary-cache-url"),
        url(get.apply("download-binary-dir-url"), "download-binary-dir-url"),
        url(get.apply("upload-binary-cache-url"), "upload-binary-cache-url"),
        url(get.apply("upload-binary-dir-url"), "upload-binary-dir-url"),
        existingFile(get.apply("signature-private-key-file"), "signature-private-key-file"),
        get.apply("signature-certificate-list"),
        existingFile(get.apply("shacache-ca-file"), "shacache-ca-file"),
        existingFile(get.apply("shadir-ca-file"), "shadir-ca-file"),
        ClientKeyFiles.of(get.apply("shacache-cert-file"), get.apply("shacache-key-file"),
            "shacache-cert-file", "shacache-key-file"),
        ClientKeyFiles.of(get.apply("shadir-cert-file"), get.apply("shadir-key-file"),
            "shadir-cert-file", "shadir-key-file"),
        downloadBlacklist,
        lines(list.apply("upload-to-binary-cache-url-blacklist")),
        lines(list.apply("upload-to-binary-cache-url-whitelist")),
        Duration.ofSeconds(60), Duration.ofSeconds(3600), 3, Duration.ofSeconds(10),
        16384L * 1024 * 1024);
  }

  Optional<URI> downloadCacheUrl() {
    return Optional.ofNullable(downloadCache);
  }

  /** Values of a multi-line key: one per line, blank lines dropped (as the original). */
  static List<String> lines(String[] values) {
    List<String> out = new ArrayList<>();
    for (String value : values == null ? new String[0] : values) {
      Arrays.stream(value.split("\\R")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
    }
    return out;
  }

  private static URI url(String value, String key) {
    if (value == null || value.isBlank()) {
      return null;
    }
    URI uri;
    try {
      uri = URI.create(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a URL: " + value, e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException(key + " must be an http or https URL: " + value);
    }
    return uri;
  }

  private static Path existingFile(String value, String key) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Path path = Path.of(value.trim());
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(key + " does not exist: " + path);
    }
    return path;
  }
}
