package org.slapos.itest.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.concurrent.TimeUnit;

/** What the process tests of a node share around the node itself: partition owners, the node supervisord. */
public final class NodeProcesses {
  private NodeProcesses() {
  }

  /**
   * Gives {@code <instanceRoot>/slappart0..count-1} to {@code user}:{@code nogroup}, as format does with
   * slapuserN in privileged mode: an unprivileged format creates no users, and neither buildout nor the
   * partitions' programs run as root.
   */
  public static void giveTo(String user, Path instanceRoot, int count) throws IOException {
    UserPrincipalLookupService users = instanceRoot.getFileSystem().getUserPrincipalLookupService();
    for (int i = 0; i < count; i++) {
      Path partition = instanceRoot.resolve("slappart" + i);
      Files.setOwner(partition, users.lookupPrincipalByName(user));
      Files.getFileAttributeView(partition, PosixFileAttributeView.class)
          .setGroup(users.lookupPrincipalByGroupName("nogroup"));
    }
  }

  /**
   * Stops the node supervisord of {@code instanceRoot} (and every partition's service with it): {@code slapos
   * node supervisorctl --cfg CFG shutdown}, then its pid if it is still there. Nothing when it was never set up.
   */
  public static void stopSupervisord(Path work, Path cfg, Path instanceRoot) throws IOException, InterruptedException {
    if (cfg == null || instanceRoot == null || !Files.exists(instanceRoot.resolve("etc/supervisord.conf"))) {
      return;
    }
    SlaposRun.of(work, "node", "supervisorctl", "--cfg", cfg.toString(), "shutdown");
    Path pidFile = instanceRoot.resolve("var/run/supervisord.pid");
    if (Files.exists(pidFile)) {
      ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(supervisord -> {
        supervisord.destroy();
        supervisord.onExit().orTimeout(30, TimeUnit.SECONDS).join();
      });
    }
  }
}
