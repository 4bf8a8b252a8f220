package org.slapos.slap.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a master: client certificate, server certificate checking, timeout and optional HATEOAS
 * (REST) URL. Immutable.
 */
public final class ConnectionOptions {
  /** The Python library's default: 60 s for connect and read. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final Path keyFile;
  private final Path certFile;
  private final Path masterCaFile;
  private final boolean verifyServerCertificate;
  private final Duration timeout;
  private final String restUrl;

  private ConnectionOptions(Builder b) {
    this.keyFile = b.keyFile;
    this.certFile = b.certFile;
    this.masterCaFile = b.masterCaFile;
    this.verifyServerCertificate = b.verifyServerCertificate;
    this.timeout = b.timeout;
    this.restUrl = b.restUrl;
  }

  public static ConnectionOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** PEM private key for TLS client authentication (used only with https URLs). */
  public Optional<Path> keyFile() { return Optional.ofNullable(keyFile); }

  /** PEM certificate (chain) for TLS client authentication (used only with https URLs). */
  public Optional<Path> certFile() { return Optional.ofNullable(certFile); }

  /**
   * PEM CA certificates trusted for https masters in addition to the JVM's trust store
   * ({@code master_ca_file}); used only while {@link #verifyServerCertificate()} is true.
   */
  public Optional<Path> masterCaFile() { return Optional.ofNullable(masterCaFile); }

  /**
   * Whether an https server's certificate chain and host name are checked (the default: true), also
   * after a redirect. False accepts any server certificate, which lets anyone on the path impersonate
   * the master; it is for test set-ups only and is logged as a warning.
   *
   * @since 1.1
   */
  public boolean verifyServerCertificate() { return verifyServerCertificate; }

  public Duration timeout() { return timeout; }

  /** HATEOAS entry point ({@code master_rest_url} / {@code slapgrid_rest_uri}); discovered through getHateoasUrl when absent. */
  public Optional<String> restUrl() { return Optional.ofNullable(restUrl); }

  public Builder toBuilder() {
    return builder().keyFile(keyFile).certFile(certFile).masterCaFile(masterCaFile)
        .verifyServerCertificate(verifyServerCertificate).timeout(timeout).restUrl(restUrl);
  }

  /** Builder of {@link ConnectionOptions}. */
  public static final class Builder {
    private Path keyFile;
    private Path certFile;
    private Path masterCaFile;
    private boolean verifyServerCertificate = true;
    private Duration timeout = DEFAULT_TIMEOUT;
    private String restUrl;

    public Builder keyFile(Path v) { keyFile = v; return this; }
    public Builder certFile(Path v) { certFile = v; return this; }
    public Builder masterCaFile(Path v) { masterCaFile = v; return this; }
    /** @since 1.1 */
    public Builder verifyServerCertificate(boolean v) { verifyServerCertificate = v; return this; }
    public Builder timeout(Duration v) { timeout = Objects.requireNonNull(v, "timeout"); return this; }
    public Builder restUrl(String v) { restUrl = (v == null || v.isBlank()) ? null : v; return this; }
    public ConnectionOptions build() { return new ConnectionOptions(this); }
  }
}
