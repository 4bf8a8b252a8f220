package org.slapos.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slapos.config.ConfigException;
import org.slapos.config.SlaposConfig;

/**
 * The data directory of a standalone node: proxy and node in one runtime, run by a normal user
 * (node-behavior §9, the original's {@code StandaloneSlapOS}). {@link #prepare} creates
 * <pre>
 * soft/ inst/ shared/   software root, instance root, writable shared parts (0750 when created)
 * etc/slapos.cfg        node, proxy, client and daemon configuration, one file
 * etc/slapformat-definition.cfg   every partition on 127.0.0.1 and ::1, owned by this user
 * etc/slapos.xml        format's state file (written by format)
 * var/proxy.db          the proxy's database
 * var/log/ var/run/     logs; pid and socket files
 * deploy/               the daemon's drop-in directory
 * </pre>
 * On an existing data directory it keeps what is there: the settings not given are read back from
 * {@code etc/slapos.cfg}, and both files are rewritten (each replaced whole). Immutable.
 */
public final class StandaloneLayout {
  public static final String DEFAULT_COMPUTER_ID = "local";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_PARTITION_COUNT = 10;
  static final String PARTITION_BASE_NAME = "slappart";
  private static final String IPV4_HOST_MASK = "255.255.255.255";
  private static final String IPV6_HOST_MASK = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";

  /**
   * What the caller asks for; a null field keeps the value of an existing data directory, else
   * takes the default ({@link #DEFAULT_HOST}, {@link #DEFAULT_PORT}, {@link #DEFAULT_PARTITION_COUNT},
   * {@link #DEFAULT_COMPUTER_ID}, no {@code buildout}).
   *
   * @param host the proxy's listening IP, also the master URL's host
   * @param buildout the {@code [slapos] buildout} script used to bootstrap Software Releases, or null
   */
  public record Settings(String host, Integer port, Integer partitionCount, String computerId, String buildout) {
    /** Everything as the data directory already has it (or the defaults for a new one). */
    public static Settings keep() {
      return new Settings(null, null, null, null, null);
    }
  }

  private final Path dataDirectory;
  private final String host;
  private final int port;
  private final int partitionCount;
  private final String computerId;
  private final String buildout;
  private final String user;

  private StandaloneLayout(Path dataDirectory, String host, int port, int partitionCount, String computerId,
      String buildout, String user) {
    this.dataDirectory = dataDirectory;
    this.host = host;
    this.port = port;
    this.partitionCount = partitionCount;
    this.computerId = computerId;
    this.buildout = buildout;
    this.user = user;
  }

  /**
   * Creates (or updates) the layout under {@code dataDirectory} and writes its two configuration files.
   *
   * @throws LayoutException one line: a data directory too deep for its unix sockets, an unreadable
   *     existing configuration, a bad setting, or a directory or file that cannot be written
   */
  public static StandaloneLayout prepare(Path dataDirectory, Settings requested) throws LayoutException {
    Path data = dataDirectory.toAbsolutePath().normalize();
    // var/run holds the longest socket path (the node supervisor's sv.sock); inst/ is shorter.
    SocketPaths.check(data.resolve("var/run"));
    Path configuration = data.resolve("etc/slapos.cfg");
    SlaposConfig existing = null;
    if (Files.exists(configuration)) {
      try {
        existing = SlaposConfig.parse(configuration);
      } catch (ConfigException e) {
        throw new LayoutException("Cannot reuse " + data + ": " + e.getMessage(), e);
      }
    }
    String host = pick(requested.host(), existing, "slapproxy", "host", DEFAULT_HOST);
    int port = integer(pick(requested.port() == null ? null : requested.port().toString(), existing, "slapproxy", "port",
        Integer.toString(DEFAULT_PORT)), "port", 1, 65535);
    int partitions = integer(pick(requested.partitionCount() == null ? null : requested.partitionCount().toString(),
        existing, "slapformat", "partition_amount", Integer.toString(DEFAULT_PARTITION_COUNT)), "partition count", 0, 100_000);
    String computerId = pick(requested.computerId(), existing, "slapos", "computer_id", DEFAULT_COMPUTER_ID);
    String buildout = pick(requested.buildout(), existing, "slapos", "buildout", null);
    if (host.isBlank() || !host.matches("[0-9A-Fa-f.:]+")) {
      throw new LayoutException("The proxy's host must be an IP address, got '" + host + "'");
    }
    if (computerId.isBlank() || !computerId.matches("[A-Za-z0-9_.-]+")) {
      throw new LayoutException("The computer id must be letters, digits, '_', '.' or '-', got '" + computerId + "'");
    }
    try {
      for (String tree : List.of("soft", "inst", "shared")) {
        createDirectory(data.resolve(tree), "rwxr-x---");
      }
      createDirectory(data.resolve("etc"), "rwxr-xr-x");
      createDirectory(data.resolve("var"), "rwxr-xr-x");
      createDirectory(data.resolve("var/log"), "rwxr-x---");
      createDirectory(data.resolve("var/run"), "rwxr-x---");
      createDirectory(data.resolve("deploy"), "rwxr-xr-x");
      StandaloneLayout layout = new StandaloneLayout(data, host, port, partitions, computerId, buildout,
          currentUser(data.resolve("etc")));
      new FileSet()
          .add(layout.configurationFile(), layout.configuration(), "rw-r--r--")
          .add(layout.definitionFile(), layout.definition(), "rw-r--r--")
          .commit();
      return layout;
    } catch (IOException e) {
      throw new LayoutException("Cannot prepare the standalone node in " + data + ": " + e, e);
    }
  }

  private static String pick(String requested, SlaposConfig existing, String section, String key, String fallback) {
    if (requested != null) {
      return requested;
    }
    if (existing != null) {
      String value = existing.getRaw(section, key).map(String::strip).orElse("");
      if (!value.isEmpty()) {
        return value;
      }
    }
    return fallback;
  }

  private static int integer(String value, String what, int min, int max) throws LayoutException {
    try {
      int number = Integer.parseInt(value.strip());
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below, with the range
    }
    throw new LayoutException("The " + what + " must be an integer between " + min + " and " + max + ", got '" + value + "'");
  }

  private static void createDirectory(Path directory, String mode) throws IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory);
      // Explicitly: the mode given at creation would be masked by the umask.
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
    }
  }

  /** The user this process runs as, by the owner of a file it creates (no system property, no native call). */
  private static String currentUser(Path directory) throws IOException {
    Path probe = Files.createTempFile(directory, ".owner", ".tmp");
    try {
      return Files.getOwner(probe).getName();
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** {@code etc/slapos.cfg}: {@code [slapos]}, {@code [slapformat]}, {@code [slapproxy]} and {@code [daemon]}. */
  String configuration() {
    IniText ini = new IniText()
        .comment("Standalone SlapOS node (proxy and node in one runtime), written by slapos standalone start.")
        .comment("Rewritten on each start: change settings through its options, not here.")
        .section("slapos")
        .key("software_root", softwareRoot())
        .key("instance_root", instanceRoot())
        .lines("shared_part_list", List.of(sharedDirectory().toString()))
        .key("master_url", masterUrl())
        .key("master_rest_url", masterUrl() + "/hateoas")
        .key("computer_id", computerId)
        .key("root_check", "false")
        .key("pidfile_software", runDirectory().resolve("slapos-node-software.pid"))
        .key("pidfile_instance", runDirectory().resolve("slapos-node-instance.pid"))
        .key("pidfile_report", runDirectory().resolve("slapos-node-report.pid"));
    if (buildout != null) {
      ini.key("buildout", buildout);
    }
    ini.section("slapformat")
        .key("input_definition_file", definitionFile())
        .key("partition_amount", partitionCount)
        .key("partition_base_name", PARTITION_BASE_NAME)
        .key("alter_user", "false")
        .key("alter_network", "false")
        .key("create_tap", "false")
        .key("create_tun", "false")
        .key("partition_has_ipv6_range", "false")
        .key("computer_xml", dataDirectory.resolve("etc/slapos.xml"))
        .section("slapproxy")
        .key("host", host)
        .key("port", port)
        .key("database_uri", databaseFile());
    DaemonSection.standalone(dataDirectory).writeTo(ini);
    return ini.toString();
  }

  /** {@code etc/slapformat-definition.cfg}: every partition on the loopback addresses, owned by this user. */
  String definition() {
    IniText ini = new IniText()
        .comment("Partitions of the standalone node: all share 127.0.0.1 and ::1 and belong to " + user + ".")
        .section("computer")
        .key("address", "127.0.0.1/" + IPV4_HOST_MASK)
        .key("software_user", user);
    for (int i = 0; i < partitionCount; i++) {
      ini.section("partition_" + i)
          .key("address", "127.0.0.1/" + IPV4_HOST_MASK + " ::1/" + IPV6_HOST_MASK)
          .key("pathname", PARTITION_BASE_NAME + i)
          .key("user", user)
          .key("network_interface", "");
    }
    return ini.toString();
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** {@code etc/slapos.cfg}: pass it as {@code --cfg} to every command of this node, client ones included. */
  public Path configurationFile() {
    return dataDirectory.resolve("etc/slapos.cfg");
  }

  public Path definitionFile() {
    return dataDirectory.resolve("etc/slapformat-definition.cfg");
  }

  public Path softwareRoot() {
    return dataDirectory.resolve("soft");
  }

  public Path instanceRoot() {
    return dataDirectory.resolve("inst");
  }

  public Path sharedDirectory() {
    return dataDirectory.resolve("shared");
  }

  public Path logDirectory() {
    return dataDirectory.resolve("var/log");
  }

  public Path runDirectory() {
    return dataDirectory.resolve("var/run");
  }

  public Path deployDirectory() {
    return dataDirectory.resolve("deploy");
  }

  public Path databaseFile() {
    return dataDirectory.resolve("var/proxy.db");
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public int partitionCount() {
    return partitionCount;
  }

  public String computerId() {
    return computerId;
  }

  /** The user every partition belongs to: the one that prepared the layout. */
  public String user() {
    return user;
  }

  /** {@code http://HOST:PORT}, without a trailing slash, as the original writes it. */
  public String masterUrl() {
    return "http://" + LocalNodeConfiguration.hostForUrl(host) + ":" + port;
  }
}
