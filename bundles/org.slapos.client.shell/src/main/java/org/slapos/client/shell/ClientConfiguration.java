package org.slapos.client.shell;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.config.ConfigException;
import org.slapos.config.ConfigLocator;
import org.slapos.config.SlaposConfig;
import org.slapos.slap.api.ConnectionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client command needs from {@code slapos-client.cfg} (node-behavior §1.9): the master URL,
 * the optional HATEOAS URL and the user's certificate and key. Immutable.
 *
 * <p>Rules, as in slapos.core's {@code ClientConfig}: {@code [slapos] master_url} is required; the
 * key and certificate come from the command line (console {@code -k}/{@code -c}), else from
 * {@code [slapconsole] key_file}/{@code cert_file}; when neither is set after that, from
 * {@code [slapos] key_file}/{@code cert_file}. An https master needs at least one of them. Paths are
 * {@code ~}-expanded, and relative ones are taken from the caller's working directory.
 *
 * <p>Not in slapos.core (which never verifies the master): the https master's certificate is verified
 * against the JVM's trust store plus {@code [slapos] master_ca_file}, unless
 * {@code [slapos] master_insecure_skip_tls_verify = true}.
 */
public final class ClientConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.LOGGER_NAME);

  private final Path source;
  private final String masterUrl;
  private final String masterRestUrl;
  private final Path keyFile;
  private final Path certFile;
  private final Path masterCaFile;
  private final boolean verifyServerCertificate;

  private ClientConfiguration(Path source, String masterUrl, String masterRestUrl, Path keyFile, Path certFile,
      Path masterCaFile, boolean verifyServerCertificate) {
    this.source = source;
    this.masterUrl = masterUrl;
    this.masterRestUrl = masterRestUrl;
    this.keyFile = keyFile;
    this.certFile = certFile;
    this.masterCaFile = masterCaFile;
    this.verifyServerCertificate = verifyServerCertificate;
  }

  /**
   * Finds and reads the client configuration: {@code --cfg}, else the framework property
   * {@code slapos.client.configuration}, else {@code $SLAPOS_CLIENT_CONFIGURATION}, else
   * {@code ~/.slapos/slapos-client.cfg}.
   *
   * @param context the caller's environment, home and working directories
   * @param cfgOption the {@code --cfg} value, or null
   * @throws CommandFailure exit 1 with a one-line message when the file is missing or invalid
   */
  public static ClientConfiguration load(CommandContext context, String cfgOption) throws CommandFailure {
    return load(context, cfgOption, null, null);
  }

  /**
   * Like {@link #load(CommandContext, String)}, with a key and a certificate given on the command
   * line ({@code slapos console -k/-c}); they win over the configuration file.
   */
  public static ClientConfiguration load(CommandContext context, String cfgOption, String keyFileOption,
      String certFileOption) throws CommandFailure {
    ConfigLocator locator = new ConfigLocator(context.environment(), context.homeDirectory());
    String property = context.property(ConfigLocator.Kind.CLIENT.propertyName()).orElse(null);
    Path path = context.workingDirectory().resolve(locator.locate(ConfigLocator.Kind.CLIENT, cfgOption, property));
    LOG.debug("Loading config: {}", path);
    try {
      return from(SlaposConfig.parse(path), context.homeDirectory(), context.workingDirectory(),
          keyFileOption, certFileOption);
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
  }

  /**
   * Applies the {@code ClientConfig} rules to a parsed file.
   *
   * @param home for {@code ~} expansion
   * @param workingDirectory for relative key and certificate paths
   * @param keyFileOption a key given on the command line, or null
   * @param certFileOption a certificate given on the command line, or null
   * @throws CommandFailure exit 1 when {@code master_url} is missing, or https has no key nor certificate
   */
  public static ClientConfiguration from(SlaposConfig config, Path home, Path workingDirectory,
      String keyFileOption, String certFileOption) throws CommandFailure {
    Objects.requireNonNull(config, "config");
    String key = firstSet(keyFileOption, config.get("slapconsole", "key_file").orElse(null));
    String cert = firstSet(certFileOption, config.get("slapconsole", "cert_file").orElse(null));
    if (!config.hasSection("slapos")) {
      throw new CommandFailure(1, "No section: 'slapos' in " + config.sourceName());
    }
    // Backward compatibility of the original: the node's own key pair when no user pair is set.
    if (key == null && cert == null) {
      key = firstSet(config.get("slapos", "key_file").orElse(null), null);
      cert = firstSet(config.get("slapos", "cert_file").orElse(null), null);
    }
    String masterUrl = firstSet(config.get("slapos", "master_url").orElse(null), null);
    if (masterUrl == null) {
      throw new CommandFailure(1, "No option 'master_url' in section [slapos] of " + config.sourceName());
    }
    if (masterUrl.startsWith("https") && key == null && cert == null) {
      throw new CommandFailure(1, "No option 'key_file' and/or 'cert_file' in section [slapconsole] or [slapos] of "
          + config.sourceName() + " (required by the https master " + masterUrl + ")");
    }
    String restUrl = firstSet(config.get("slapos", "master_rest_url").orElse(null), null);
    String caFile = firstSet(config.get("slapos", "master_ca_file").orElse(null), null);
    boolean skipVerify;
    try {
      skipVerify = config.getBoolean("slapos", "master_insecure_skip_tls_verify", false);
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    return new ClientConfiguration(config.source(), masterUrl, restUrl,
        path(key, home, workingDirectory), path(cert, home, workingDirectory),
        path(caFile, home, workingDirectory), !skipVerify);
  }

  private static String firstSet(String first, String second) {
    if (first != null && !first.isEmpty()) {
      return first;
    }
    return second != null && !second.isEmpty() ? second : null;
  }

  private static Path path(String value, Path home, Path workingDirectory) {
    return value == null ? null : workingDirectory.resolve(ConfigLocator.expandUser(value, home));
  }

  /** The configuration file these values come from. */
  public Path source() {
    return source;
  }

  public String masterUrl() {
    return masterUrl;
  }

  /** {@code [slapos] master_rest_url}, the HATEOAS entry point. */
  public Optional<String> masterRestUrl() {
    return Optional.ofNullable(masterRestUrl);
  }

  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  public Optional<Path> certFile() {
    return Optional.ofNullable(certFile);
  }

  /** {@code [slapos] master_ca_file}: CA certificates trusted for the master besides the JVM's. */
  public Optional<Path> masterCaFile() {
    return Optional.ofNullable(masterCaFile);
  }

  /** False when {@code [slapos] master_insecure_skip_tls_verify} is true. */
  public boolean verifyServerCertificate() {
    return verifyServerCertificate;
  }

  /** The connection options for {@link org.slapos.slap.api.SlapConnector#initializeConnection}. */
  public ConnectionOptions connectionOptions() {
    return ConnectionOptions.builder().keyFile(keyFile).certFile(certFile).masterCaFile(masterCaFile)
        .verifyServerCertificate(verifyServerCertificate).restUrl(masterRestUrl).build();
  }

  @Override
  public String toString() {
    return "ClientConfiguration[" + source + ": master_url=" + masterUrl + ", master_rest_url=" + masterRestUrl
        + ", key_file=" + keyFile + ", cert_file=" + certFile + ", master_ca_file=" + masterCaFile
        + (verifyServerCertificate ? "" : ", master_insecure_skip_tls_verify=true") + "]";
  }
}
