package org.slapos.supervisor.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code [eventlistener:watchdog]} command line that {@code node instance} writes into the node's
 * supervisord.conf (node-behavior §5.8): our {@code slapos node watchdog} stands for the original's
 * {@code /opt/slapos/bin/slapos-watchdog}, with the same options and the same spacing.
 *
 * @param slaposExecutable the absolute path of the {@code slapos} launcher ({@link #slaposExecutable(String)})
 * @param masterUrl {@code [slapos] master_url}
 * @param certificateRepository {@code [slapos] certificate_repository_path}, or null: banging then
 *     goes without a client certificate
 * @param computerId {@code [slapos] computer_id}
 * @param instanceRoot {@code [slapos] instance_root}: where the bang timestamp files are kept
 */
public record WatchdogCommand(Path slaposExecutable, String masterUrl, Path certificateRepository, String computerId,
    Path instanceRoot) {

  /**
   * Framework (or system) property naming the project directory; {@code bin/slapos} sets it and the
   * launcher lives at {@code <slapos.home>/bin/slapos}.
   */
  public static final String SLAPOS_HOME_PROPERTY = "slapos.home";

  public WatchdogCommand {
    Objects.requireNonNull(slaposExecutable, "slaposExecutable");
    Objects.requireNonNull(masterUrl, "masterUrl");
    Objects.requireNonNull(computerId, "computerId");
    Objects.requireNonNull(instanceRoot, "instanceRoot");
    if (!slaposExecutable.isAbsolute()) {
      throw new IllegalArgumentException("The slapos executable must be an absolute path: " + slaposExecutable);
    }
  }

  /** {@code <slaposHome>/bin/slapos}, from the {@value #SLAPOS_HOME_PROPERTY} property's value. */
  public static Path slaposExecutable(String slaposHome) {
    if (slaposHome == null || slaposHome.isBlank()) {
      throw new IllegalArgumentException("The " + SLAPOS_HOME_PROPERTY + " property is not set: the watchdog "
          + "command needs the absolute path of bin/slapos");
    }
    return Path.of(slaposHome).toAbsolutePath().resolve("bin/slapos");
  }

  /**
   * The command line, as the original writes it (with its double space before the optional
   * certificate option): {@code <slapos> node watchdog --master-url 'URL'  --certificate-repository-path
   * 'DIR' --computer-id 'ID' --instance-root 'DIR'}. Values are single-quoted as the original does; a
   * quote inside a value is written {@code '"'"'} so that supervisord's shell-like split keeps it, and
   * {@code %} is doubled because supervisord expands {@code %(name)s} in commands.
   *
   * @throws IllegalArgumentException for a value holding a control character (it could add lines to
   *     supervisord.conf)
   */
  public String commandLine() {
    StringBuilder line = new StringBuilder();
    line.append(quote(slaposExecutable.toString())).append(" node watchdog --master-url ").append(quote(masterUrl))
        .append("  ");
    if (certificateRepository != null) {
      line.append("--certificate-repository-path ").append(quote(certificateRepository.toString())).append(' ');
    }
    line.append("--computer-id ").append(quote(computerId)).append(" --instance-root ")
        .append(quote(instanceRoot.toString()));
    return line.toString();
  }

  private static String quote(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException("A watchdog command value holds a control character: " + value.strip());
      }
    }
    return "'" + value.replace("%", "%%").replace("'", "'\"'\"'") + "'";
  }
}
