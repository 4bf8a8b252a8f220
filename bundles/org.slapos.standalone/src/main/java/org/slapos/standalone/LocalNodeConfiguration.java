package org.slapos.standalone;

import java.nio.file.Path;

/**
 * What {@code slapos configure local} writes, as pure functions of its options: the node
 * configuration ({@code slapos.cfg}, which also drives the proxy, the node daemon and, through the
 * {@code ~/.slapos/slapos-client.cfg} link, the client) and the proxy's own file
 * ({@code slapos-proxy.cfg}, for {@code slapos proxy start --cfg}).
 *
 * @param privileged true for a node run by root (users, network and taps made by format), false
 *     for one run by a normal user ({@code root_check = false}, format alters nothing of the host)
 */
record LocalNodeConfiguration(String interfaceName, int partitionAmount, String ipv4LocalNetwork, String listenIp,
    int listenPort, Path instanceRoot, Path softwareRoot, Path buildoutDirectory, Path configurationDirectory,
    boolean shacacheProxy, boolean privileged) {

  /** The computer id the original's {@code configure local} gives its node. */
  static final String COMPUTER_ID = "local_computer";

  String masterUrl() {
    return "http://" + hostForUrl(listenIp) + ":" + listenPort;
  }

  Path nodeConfigurationFile() {
    return configurationDirectory.resolve("slapos.cfg");
  }

  Path proxyConfigurationFile() {
    return configurationDirectory.resolve("slapos-proxy.cfg");
  }

  Path logDirectory() {
    return buildoutDirectory.resolve("log");
  }

  Path databaseFile() {
    return buildoutDirectory.resolve("slapproxy.db");
  }

  /** Where the proxy's shacache/shadir server keeps blobs and entries when {@code --enable-shacache-proxy} is given. */
  Path networkCacheDirectory() {
    return instanceRoot.resolve("shacache");
  }

  String nodeConfiguration() {
    IniText ini = new IniText()
        .comment("SlapOS node using its own local master (slapos proxy), written by `slapos configure local`.")
        .comment("Start it with: slapos standalone start --cfg " + nodeConfigurationFile());
    slaposSection(ini);
    ini.key("pidfile_software", buildoutDirectory.resolve("slapgrid-sr.pid"))
        .key("pidfile_instance", buildoutDirectory.resolve("slapgrid-cp.pid"))
        .key("pidfile_report", buildoutDirectory.resolve("slapgrid-ur.pid"));
    if (!privileged) {
      ini.comment("Unprivileged node: the node commands run as this user.").key("root_check", "false");
    }
    ini.section("slapformat")
        .key("interface_name", interfaceName)
        .key("ipv4_local_network", ipv4LocalNetwork)
        .key("partition_amount", partitionAmount)
        .key("partition_base_name", "slappart")
        .key("user_base_name", "slapuser")
        .key("tap_base_name", "slaptap")
        .key("computer_xml", buildoutDirectory.resolve("slapos.xml"))
        .key("log_file", logDirectory().resolve("slapos-node-format.log"));
    if (!privileged) {
      ini.comment("Unprivileged: no user, group, address, route, tap or tun is created; partitions belong to this user.")
          .key("alter_user", "false")
          .key("alter_network", "false")
          .key("create_tap", "false")
          .key("create_tun", "false");
    }
    ini.section("networkcache");
    if (shacacheProxy) {
      String cache = masterUrl() + "/shacache";
      String dir = masterUrl() + "/shadir";
      ini.comment("The local proxy's shacache/shadir server (see [slapproxy] networkcache_directory).")
          .key("download-binary-cache-url", cache)
          .key("download-binary-dir-url", dir)
          .key("download-cache-url", cache)
          .key("download-dir-url", dir);
    } else {
      ini.comment("No network cache: `slapos configure local --enable-shacache-proxy` points these at the local proxy.");
    }
    proxySection(ini);
    DaemonSection.node(privileged, logDirectory(), buildoutDirectory.resolve("deploy"),
        configurationDirectory.resolve("ssh")).writeTo(ini);
    return ini.toString();
  }

  String proxyConfiguration() {
    IniText ini = new IniText()
        .comment("The local master of the node configured in " + nodeConfigurationFile() + ".")
        .comment("Run it alone with: slapos proxy start --cfg " + proxyConfigurationFile());
    slaposSection(ini);
    proxySection(ini);
    return ini.toString();
  }

  private void slaposSection(IniText ini) {
    ini.section("slapos")
        .key("computer_id", COMPUTER_ID)
        .key("master_url", masterUrl())
        .key("software_root", softwareRoot)
        .key("instance_root", instanceRoot);
  }

  private void proxySection(IniText ini) {
    ini.section("slapproxy")
        .key("host", listenIp)
        .key("port", listenPort)
        .key("database_uri", databaseFile());
    if (shacacheProxy) {
      ini.key("networkcache", "true").key("networkcache_directory", networkCacheDirectory());
    } else {
      ini.key("networkcache", "false");
    }
  }

  static String hostForUrl(String ip) {
    return ip.indexOf(':') >= 0 && !ip.startsWith("[") ? "[" + ip + "]" : ip;
  }
}
