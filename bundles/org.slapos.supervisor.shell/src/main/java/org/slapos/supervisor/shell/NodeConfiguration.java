package org.slapos.supervisor.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.config.ConfigException;
import org.slapos.config.ConfigLocator;
import org.slapos.config.SlaposConfig;
import org.slapos.supervisor.api.SupervisorSettings;

/** slapos.cfg as the node commands find it, and what the supervisor commands take from it. */
final class NodeConfiguration {
  static final String NOT_ROOT = "This slapos command must be run as root.";

  private NodeConfiguration() {
  }

  static SlaposConfig load(CommandContext context, String cfg) throws CommandFailure {
    try {
      return new ConfigLocator(context.environment(), context.homeDirectory())
          .load(ConfigLocator.Kind.NODE, cfg, context.property(ConfigLocator.NODE_PROPERTY).orElse(null));
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
  }

  /** {@code [slapos] instance_root}, relative to the caller's directory, with the given watchdog command. */
  static SupervisorSettings settings(CommandContext context, SlaposConfig config, String watchdogCommand)
      throws CommandFailure {
    try {
      Path root = context.workingDirectory().resolve(
          ConfigLocator.expandUser(config.require("slapos", "instance_root"), context.homeDirectory()));
      return new SupervisorSettings(root, watchdogCommand);
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
  }

  /** A {@code getboolean} key of {@code [slapos]}, as supervisorctl reads root_check and the launch switch. */
  static boolean flag(SlaposConfig config, String key, boolean fallback) throws CommandFailure {
    try {
      return config.getBoolean("slapos", key, fallback);
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
  }

  /** Whether this process runs as uid 0, as the owner of {@code /proc/self}. */
  static boolean runsAsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("Cannot tell whether the node runs as root: " + e.getMessage(), e);
    }
  }
}
