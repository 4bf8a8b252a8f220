package org.slapos.cache.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The {@code [networkcache]} keys the binary cache reads, plus timeouts and retries of our own. */
@ObjectClassDefinition(name = "SlapOS network cache client",
    description = "shacache/shadir URLs, trusted certificates, signing key and transfer limits")
@interface NetworkCacheConfig {
  @AttributeDefinition(description = "shacache URL tarballs are downloaded from (empty: no download)")
  String download_binary_cache_url() default "";

  @AttributeDefinition(description = "shadir URL entries are read from (empty: no download)")
  String download_binary_dir_url() default "";

  @AttributeDefinition(description = "shacache URL tarballs are uploaded to (empty: no upload)")
  String upload_binary_cache_url() default "";

  @AttributeDefinition(description = "shadir URL signed entries are published to (empty: no upload)")
  String upload_binary_dir_url() default "";

  @AttributeDefinition(description = "PEM RSA private key signing uploaded entries (empty: no upload)")
  String signature_private_key_file() default "";

  @AttributeDefinition(description = "Concatenated PEM certificates of trusted uploaders")
  String[] signature_certificate_list() default {};

  @AttributeDefinition(description = "Extra CA certificates (PEM) for an https shacache")
  String shacache_ca_file() default "";

  @AttributeDefinition(description = "Extra CA certificates (PEM) for an https shadir")
  String shadir_ca_file() default "";

  @AttributeDefinition(description = "TLS client certificate (PEM, then its chain) for an https shacache; "
      + "it may hold the key too")
  String shacache_cert_file() default "";

  @AttributeDefinition(description = "Private key (PEM) of shacache-cert-file (empty: in shacache-cert-file)")
  String shacache_key_file() default "";

  @AttributeDefinition(description = "TLS client certificate (PEM, then its chain) for an https shadir; "
      + "it may hold the key too")
  String shadir_cert_file() default "";

  @AttributeDefinition(description = "Private key (PEM) of shadir-cert-file (empty: in shadir-cert-file)")
  String shadir_key_file() default "";

  @AttributeDefinition(description = "Software Release URL prefixes never downloaded from the binary cache")
  String[] download_from_binary_cache_url_blacklist() default {};

  @AttributeDefinition(description = "Deprecated alias of download-from-binary-cache-url-blacklist")
  String[] binary_cache_url_blacklist() default {};

  @AttributeDefinition(description = "Software Release URL prefixes never uploaded")
  String[] upload_to_binary_cache_url_blacklist() default {};

  @AttributeDefinition(description = "When not empty, only Software Release URLs with one of these prefixes are uploaded")
  String[] upload_to_binary_cache_url_whitelist() default {};

  @AttributeDefinition(description = "Seconds to wait for a connection")
  int connect_timeout_seconds() default 60;

  @AttributeDefinition(description = "Seconds a whole download or upload may take")
  int transfer_timeout_seconds() default 3600;

  @AttributeDefinition(description = "Upload attempts before giving up (the original: 3)")
  int upload_attempts() default 3;

  @AttributeDefinition(description = "Seconds between upload attempts (the original slept 1800)")
  int upload_retry_delay_seconds() default 10;

  @AttributeDefinition(description = "Largest tarball accepted, in MiB")
  long max_tarball_mib() default 16384;
}
