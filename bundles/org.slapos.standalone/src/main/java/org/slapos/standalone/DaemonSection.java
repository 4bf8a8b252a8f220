package org.slapos.standalone;

import java.nio.file.Path;

/**
 * The {@code [daemon]} section of slapos.cfg, read by {@code slapos node daemon}: whether to run
 * {@code node boot} first, the loops' intervals in seconds (0 = that loop only runs on demand),
 * where its logs and drop-in bundles go, and the remote shell's address. The SSH key files are
 * written commented out: no remote shell until the operator names an authorized keys file.
 */
record DaemonSection(boolean boot, int softwareInterval, int instanceInterval, int reportInterval,
    int collectInterval, Path logDirectory, Path deployDirectory, String sshHost, int sshPort,
    Path sshAuthorizedKeys, Path sshHostKey) {

  static final String NAME = "daemon";
  /** The original's cron lines: software and instance every minute, report every hour, collect every minute. */
  static final int NODE_SOFTWARE_INTERVAL = 60;
  static final int NODE_INSTANCE_INTERVAL = 60;
  static final int NODE_REPORT_INTERVAL = 3600;
  static final int NODE_COLLECT_INTERVAL = 60;
  /** The remote shell's default port (the SSH console's own default). */
  static final int SSH_PORT = 2222;

  /**
   * A node set up by {@code configure local}: the original's cron intervals. An unprivileged node
   * neither boots (nothing of the host to restore) nor collects ({@code node collect} needs root).
   */
  static DaemonSection node(boolean privileged, Path logDirectory, Path deployDirectory, Path sshDirectory) {
    return new DaemonSection(privileged, NODE_SOFTWARE_INTERVAL, NODE_INSTANCE_INTERVAL, NODE_REPORT_INTERVAL,
        privileged ? NODE_COLLECT_INTERVAL : 0, logDirectory, deployDirectory, "127.0.0.1", SSH_PORT,
        sshDirectory.resolve("authorized_keys"), sshDirectory.resolve("host_key"));
  }

  /**
   * The standalone node: short intervals so that a request is deployed within seconds, no boot
   * step (nothing of the host to restore), no collect (usage statistics of a test node are noise),
   * and an ephemeral SSH port so that several standalone nodes can run side by side.
   */
  static DaemonSection standalone(Path dataDirectory) {
    return new DaemonSection(false, 2, 2, 10, 0, dataDirectory.resolve("var/log"), dataDirectory.resolve("deploy"),
        "127.0.0.1", 0, dataDirectory.resolve("etc/ssh/authorized_keys"), dataDirectory.resolve("etc/ssh/host_key"));
  }

  void writeTo(IniText ini) {
    ini.section(NAME)
        .comment("Read by `slapos node daemon`: intervals in seconds, 0 = the loop only runs on demand.")
        .key("boot", boot)
        .key("software_interval", softwareInterval)
        .key("instance_interval", instanceInterval)
        .key("report_interval", reportInterval)
        .key("collect_interval", collectInterval)
        .key("log_directory", logDirectory)
        .key("deploy_directory", deployDirectory)
        .comment("Remote shell (SSH) on loopback; it starts only once the authorized keys file below exists.")
        .key("ssh_host", sshHost)
        .key("ssh_port", sshPort)
        .commentedKey("ssh_authorized_keys", sshAuthorizedKeys)
        .commentedKey("ssh_host_key", sshHostKey);
  }
}
