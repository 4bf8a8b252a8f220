package org.slapos.node.shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.syntax.ArgumentSyntax;
import org.slapos.command.syntax.ArgumentSyntax.Arity;
import org.slapos.command.syntax.Arguments;
import org.slapos.command.syntax.SyntaxExit;
import org.slapos.config.ConfigException;
import org.slapos.config.ConfigLocator;
import org.slapos.config.SlaposConfig;
import org.slapos.grid.api.NodeSettings;
import org.slapos.slap.api.ConnectionOptions;

/**
 * The settings of the slapgrid commands ({@code node software}, later {@code node instance} and
 * {@code node report}) as the original merges them (node-behavior §1.8): the {@code [slapos]}
 * items, updated by the {@code [networkcache]} items, updated by every value option given on the
 * command line (stored under its dest: {@code --instance-root} becomes {@code instance_root}).
 * Then the checks in the original's order (§7.4): root, mandatory keys, files; and the values the
 * run needs: random delay, pid file, {@link NodeSettings}.
 */
final class GridOptions {
  /** The options of §7.4 that take a value: the dest each is stored under is argparse's. */
  static final List<String> COMMON_VALUE_OPTIONS = List.of(
      "--instance-root", "--software-root", "--master-url", "--computer-id", "--supervisord-socket",
      "--supervisord-configuration-path", "--buildout", "--pidfile", "--key_file", "--cert_file",
      "--signature_private_key_file", "--master_ca_file", "--certificate_repository_path", "--maximum-periodicity",
      "--promise-timeout", "--partition-timeout", "--maximal_delay");
  /** Value options argparse converts with {@code type=int}. */
  private static final List<String> INTEGER_OPTIONS =
      List.of("--maximum-periodicity", "--promise-timeout", "--partition-timeout");
  /** The original's {@code PROMISE_TIMEOUT}: {@code --promise-timeout} always has a value. */
  static final String DEFAULT_PROMISE_TIMEOUT = "20";
  /** Python's {@code int()} syntax. */
  private static final Pattern PYTHON_INT = Pattern.compile("\\s*[+-]?[0-9]+(_[0-9]+)*\\s*");
  private static final List<String> MANDATORY = List.of("computer_id", "instance_root", "master_url", "software_root");
  private static final List<String> CHECKED_FILES = List.of("key_file", "cert_file", "master_ca_file",
      "shacache-ca-file", "shacache-cert-file", "shacache-key-file", "shadir-ca-file", "shadir-cert-file",
      "shadir-key-file");

  private final Map<String, String> merged;
  private final Map<String, String> networkcache;
  private final Path workingDirectory;
  private final String source;

  private GridOptions(Map<String, String> merged, Map<String, String> networkcache, Path workingDirectory,
      String source) {
    this.merged = Collections.unmodifiableMap(merged);
    this.networkcache = Collections.unmodifiableMap(networkcache);
    this.workingDirectory = workingDirectory;
    this.source = source;
  }

  /** Adds the options of §7.4 but {@code --cfg} and {@code --now} to a command's syntax. */
  static ArgumentSyntax.Builder addCommonOptions(ArgumentSyntax.Builder syntax) {
    syntax.option(Arity.ONE, "--cfg");
    for (String name : COMMON_VALUE_OPTIONS) {
      syntax.option(Arity.ONE, name);
    }
    return syntax.option(Arity.FLAG, "--now");
  }

  /**
   * The values of the common options given on the command line, by dest, with
   * {@code promise_timeout} always set (argparse default). Integer options are checked as
   * argparse's {@code type=int} does.
   *
   * @throws SyntaxExit for a value that is not an integer (argparse exit 2)
   */
  static Map<String, String> commandLineValues(ArgumentSyntax syntax, Arguments arguments) throws SyntaxExit {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : COMMON_VALUE_OPTIONS) {
      String value = arguments.value(name);
      if (value != null && INTEGER_OPTIONS.contains(name) && !PYTHON_INT.matcher(value).matches()) {
        throw syntax.usageError("argument " + name + ": invalid int value: '" + value + "'");
      }
      if (value != null) {
        values.put(name.substring(2).replace('-', '_'), value);
      }
    }
    values.putIfAbsent("promise_timeout", DEFAULT_PROMISE_TIMEOUT);
    return values;
  }

  /**
   * Reads slapos.cfg (located as for every node command) and merges it with the command line.
   *
   * @param cfg the {@code --cfg} value or null
   * @param commandLine the given value options, by dest
   * @throws CommandFailure exit 1 when the file is missing or unreadable or has no {@code [slapos]}
   */
  static GridOptions load(CommandContext context, String cfg, Map<String, String> commandLine)
      throws CommandFailure {
    try {
      SlaposConfig config = new ConfigLocator(context.environment(), context.homeDirectory())
          .load(ConfigLocator.Kind.NODE, cfg, context.property(ConfigLocator.NODE_PROPERTY).orElse(null));
      return merge(config, commandLine, context.workingDirectory());
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
  }

  static GridOptions merge(SlaposConfig config, Map<String, String> commandLine, Path workingDirectory)
      throws CommandFailure {
    if (!config.hasSection("slapos")) {
      throw new CommandFailure(1, "No section: 'slapos' in " + config.sourceName());
    }
    Map<String, String> merged = new LinkedHashMap<>(config.section("slapos"));
    Map<String, String> networkcache = new LinkedHashMap<>();
    if (config.hasSection("networkcache")) {
      networkcache.putAll(config.section("networkcache"));
      merged.putAll(networkcache);
    }
    merged.putAll(commandLine);
    String signatureKey = commandLine.get("signature_private_key_file");
    if (signatureKey != null) {
      // The original lets a dashed key of the file win over this option; here the command line wins.
      networkcache.remove("signature_private_key_file");
      networkcache.put("signature-private-key-file", signatureKey);
      merged.put("signature-private-key-file", signatureKey);
    }
    return new GridOptions(merged, networkcache, workingDirectory, config.sourceName());
  }

  /** A merged value, null when absent: for the keys only some commands read. */
  String get(String key) {
    return merged.get(key);
  }

  /**
   * {@code root_check} (default true) read as the original's {@code string_to_boolean}: only
   * {@code true} or {@code false}, any case.
   *
   * @throws CommandFailure exit 1 for another value
   */
  boolean rootCheck() throws CommandFailure {
    String value = merged.getOrDefault("root_check", "True");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new CommandFailure(1, "root_check in " + source + ": " + value + " is neither True nor False.");
    };
  }

  /**
   * The original's check of mandatory keys: {@code computer_id}, {@code instance_root},
   * {@code master_url}, {@code software_root}, and with {@code key_file} or {@code cert_file} the
   * other one and {@code certificate_repository_path}.
   *
   * @throws CommandFailure exit 1, "Missing mandatory parameters: ..." or "Mandatory parameters
   *     present but empty: ..."
   */
  void checkMandatory() throws CommandFailure {
    TreeSet<String> required = new TreeSet<>(MANDATORY);
    if (merged.containsKey("key_file") || merged.containsKey("cert_file")) {
      required.addAll(List.of("certificate_repository_path", "cert_file", "key_file"));
    }
    List<String> missing = required.stream().filter(key -> !merged.containsKey(key)).toList();
    if (!missing.isEmpty()) {
      throw new CommandFailure(1, "Missing mandatory parameters: " + String.join(", ", missing));
    }
    List<String> empty = required.stream().filter(key -> merged.get(key).isEmpty()).toList();
    if (!empty.isEmpty()) {
      throw new CommandFailure(1, "Mandatory parameters present but empty: " + String.join(", ", empty));
    }
  }

  /**
   * The files named by the TLS and cache keys must exist, and {@code certificate_repository_path}
   * must be a directory; relative paths are taken from the working directory.
   *
   * @throws CommandFailure exit 1 with the original's message
   */
  void checkFiles() throws CommandFailure {
    List<String> files = new ArrayList<>(CHECKED_FILES);
    files.add(merged.containsKey("signature-private-key-file") ? "signature-private-key-file"
        : "signature_private_key_file");
    for (String key : files) {
      String value = merged.get(key);
      if (value != null && !value.isEmpty() && !Files.exists(path(value))) {
        throw new CommandFailure(1, "File '" + value + "' does not exist.");
      }
    }
    String directory = merged.get("certificate_repository_path");
    if (directory != null && !directory.isEmpty() && !Files.isDirectory(path(directory))) {
      throw new CommandFailure(1, "Directory '" + directory + "' does not exist");
    }
  }

  /**
   * The checks every grid command makes before its run, in the original's order: root check (exit 5
   * with the original's message), mandatory options, files that must exist.
   */
  void checkRunnable(NodeSoftwareCommand.RootProbe rootProbe) throws CommandFailure {
    if (rootCheck() && !rootProbe.runningAsRoot()) {
      throw new CommandFailure(NodeSoftwareCommand.EXIT_NOT_ROOT, NodeSoftwareCommand.NOT_ROOT);
    }
    checkMandatory();
    checkFiles();
  }

  /**
   * The original's random start delay (1..{@code maximal_delay} seconds) unless {@code --now}. The
   * delay is the feature (cron spreads the nodes' load on the master), not a wait for something; it
   * ends early when {@code stopping} is released (the command's component goes away).
   */
  void randomDelay(CommandContext context, boolean now, java.util.concurrent.CountDownLatch stopping, String command)
      throws CommandFailure, InterruptedException {
    long maximalDelay = maximalDelaySeconds();
    if (now || maximalDelay <= 0) {
      return;
    }
    long delay = 1 + (long) (new java.security.SecureRandom().nextDouble() * maximalDelay);
    context.err().println("Sleeping for " + delay
        + " seconds. To disable this feature, check --now parameter in slapgrid help.");
    if (stopping.await(delay, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new CommandFailure(1, command + " interrupted: the runtime is stopping");
    }
  }

  /**
   * The upper bound of the random start delay in seconds ({@code maximal_delay}, default 0 = none).
   *
   * @throws CommandFailure exit 1 when it is not a non-negative integer
   */
  long maximalDelaySeconds() throws CommandFailure {
    String value = merged.getOrDefault("maximal_delay", "0");
    if (!PYTHON_INT.matcher(value).matches()) {
      throw new CommandFailure(1, "maximal_delay: invalid literal for int(): '" + value + "'");
    }
    long seconds;
    try {
      seconds = Long.parseLong(value.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new CommandFailure(1, "maximal_delay: out of range: '" + value + "'", e);
    }
    if (seconds < 0) {
      throw new CommandFailure(1, "maximal_delay must not be negative, got " + value);
    }
    return seconds;
  }

  /**
   * The lock file: {@code --pidfile}, else the command's own key ({@code pidfile_software}...),
   * else {@code [slapos] pidfile}, else the command's default.
   */
  Path pidFile(Map<String, String> commandLine, String ownKey, String defaultPath) {
    String chosen = firstNonEmpty(commandLine.get("pidfile"), merged.get(ownKey), merged.get("pidfile"), defaultPath);
    return path(chosen);
  }

  /**
   * {@code develop}: the {@code --force} family, or the {@code develop} key read as a boolean
   * ({@code true/false/yes/no/on/off/1/0}, any case; empty = false).
   *
   * @throws CommandFailure exit 1 for another value of the key
   */
  boolean develop(boolean force) throws CommandFailure {
    if (force) {
      return true;
    }
    String value = merged.getOrDefault("develop", "");
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "", "0", "no", "false", "off" -> false;
      case "1", "yes", "true", "on" -> true;
      default -> throw new CommandFailure(1, "develop in " + source + ": not a boolean: '" + value + "'");
    };
  }

  /**
   * The checked settings for the grid services. Call after {@link #checkMandatory()}.
   *
   * @throws CommandFailure exit 1 for a bad {@code software_min_free_space} or
   *     {@code master_insecure_skip_tls_verify}
   */
  NodeSettings nodeSettings() throws CommandFailure {
    String masterUrl = merged.get("master_url");
    if (!masterUrl.endsWith("/")) {
      masterUrl = masterUrl + "/";
    }
    long minFreeSpace;
    String minFreeSpaceText = merged.getOrDefault("software_min_free_space", "1000M");
    try {
      minFreeSpace = HumanSize.parse(minFreeSpaceText);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(1, "software_min_free_space: " + e.getMessage(), e);
    }
    String buildout = merged.get("buildout");
    return new NodeSettings(merged.get("computer_id"), masterUrl, connectionOptions(),
        path(merged.get("software_root")), path(merged.get("instance_root")),
        buildout == null || buildout.isEmpty() ? null : path(buildout),
        lines(merged.get("shared_part_list")), lines(merged.get("build_time_part_list")), minFreeSpace, null,
        networkcache);
  }

  /**
   * How to reach the master: the node's key and certificate, {@code master_ca_file} trusted besides
   * the JVM's trust store, server certificates verified unless
   * {@code master_insecure_skip_tls_verify} ({@code getboolean}) is true.
   */
  ConnectionOptions connectionOptions() throws CommandFailure {
    ConnectionOptions.Builder connection = ConnectionOptions.builder();
    optionalPath("key_file").ifPresent(connection::keyFile);
    optionalPath("cert_file").ifPresent(connection::certFile);
    optionalPath("master_ca_file").ifPresent(connection::masterCaFile);
    String skip = merged.getOrDefault("master_insecure_skip_tls_verify", "false");
    boolean skipVerify = switch (skip.strip().toLowerCase(Locale.ROOT)) {
      case "0", "no", "false", "off" -> false;
      case "1", "yes", "true", "on" -> true;
      default -> throw new CommandFailure(1, "master_insecure_skip_tls_verify in " + source
          + ": not a boolean: '" + skip + "'");
    };
    return connection.verifyServerCertificate(!skipVerify).build();
  }

  private Optional<Path> optionalPath(String key) {
    String value = merged.get(key);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(path(value));
  }

  /** A path of the configuration or command line, taken from the caller's working directory. */
  private Path path(String value) {
    return workingDirectory.resolve(value).normalize();
  }

  /** A multi-line value: one item per line, stripped, blank lines dropped. */
  static List<String> lines(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split("\n")).map(String::strip).filter(line -> !line.isEmpty()).toList();
  }

  private static String firstNonEmpty(String... values) {
    for (String value : values) {
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    throw new IllegalArgumentException("no value");
  }
}
