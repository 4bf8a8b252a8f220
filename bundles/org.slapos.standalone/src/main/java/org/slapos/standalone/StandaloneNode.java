package org.slapos.standalone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slapos.command.api.CommandContext;
import org.slapos.command.api.CommandFailure;
import org.slapos.config.ConfigException;
import org.slapos.config.SlaposConfig;

/**
 * Where a standalone node lives, as the {@code standalone} commands find it: either a data directory
 * ({@link StandaloneLayout}, {@code --data-dir}) or a configuration written by {@code configure local}
 * ({@code --cfg}). Knows the node's pid file and the node supervisord's, and whether they name live
 * processes.
 *
 * @param dataDirectory the data directory, or null for a {@code --cfg} node
 * @param configurationFile the node's slapos.cfg (also its client configuration)
 * @param instanceRoot {@code [slapos] instance_root}, where the node supervisord lives
 * @param pidFile the standalone runtime's pid file
 * @param masterUrl {@code [slapos] master_url}
 */
record StandaloneNode(Path dataDirectory, Path configurationFile, Path instanceRoot, Path pidFile, String masterUrl) {
  /** The environment variable naming the default data directory. */
  static final String DIRECTORY_VARIABLE = "SLAPOS_STANDALONE_DIRECTORY";
  static final String PID_FILE_NAME = "slapos-standalone.pid";

  /** The default data directory as root: the partitions' user must reach it, which it cannot under {@code /root}. */
  static final Path ROOT_DEFAULT_DIRECTORY = Path.of("/srv/slapos-standalone");

  /**
   * {@code --data-dir}, else {@code $SLAPOS_STANDALONE_DIRECTORY}, else {@code ~/.slapos/standalone}
   * ({@link #ROOT_DEFAULT_DIRECTORY} as root).
   */
  static Path dataDirectory(CommandContext context, String option) {
    String chosen = option != null ? option : context.environment().get(DIRECTORY_VARIABLE);
    if (chosen == null || chosen.isBlank()) {
      return runningAsRoot() ? ROOT_DEFAULT_DIRECTORY : context.homeDirectory().resolve(".slapos/standalone");
    }
    if (chosen.equals("~") || chosen.startsWith("~/")) {
      return context.homeDirectory().resolve(chosen.substring(1).replaceFirst("^/", "")).normalize();
    }
    return context.workingDirectory().resolve(chosen).toAbsolutePath().normalize();
  }

  static StandaloneNode of(StandaloneLayout layout) {
    return new StandaloneNode(layout.dataDirectory(), layout.configurationFile(), layout.instanceRoot(),
        layout.runDirectory().resolve(PID_FILE_NAME), layout.masterUrl());
  }

  /** The node of a data directory that may never have been started (then its files do not exist). */
  static StandaloneNode ofDataDirectory(Path dataDirectory) throws CommandFailure {
    Path configuration = dataDirectory.resolve("etc/slapos.cfg");
    if (Files.exists(configuration)) {
      StandaloneNode configured = ofConfiguration(configuration);
      return new StandaloneNode(dataDirectory, configuration, configured.instanceRoot(),
          dataDirectory.resolve("var/run").resolve(PID_FILE_NAME), configured.masterUrl());
    }
    return new StandaloneNode(dataDirectory, configuration, dataDirectory.resolve("inst"),
        dataDirectory.resolve("var/run").resolve(PID_FILE_NAME), null);
  }

  /** The node of a {@code configure local} configuration: its pid file is under the instance root. */
  static StandaloneNode ofConfiguration(Path configuration) throws CommandFailure {
    SlaposConfig config;
    try {
      config = SlaposConfig.parse(configuration);
    } catch (ConfigException e) {
      throw new CommandFailure(1, e.getMessage(), e);
    }
    Optional<String> instanceRoot = config.get("slapos", "instance_root").map(String::strip).filter(s -> !s.isEmpty());
    if (instanceRoot.isEmpty()) {
      throw new CommandFailure(1, "[slapos] instance_root is missing in " + configuration);
    }
    Path root = configuration.toAbsolutePath().getParent().resolve(instanceRoot.get()).normalize();
    return new StandaloneNode(null, configuration.toAbsolutePath(), root,
        root.resolve("var/run").resolve(PID_FILE_NAME), config.get("slapos", "master_url").orElse(null));
  }

  /** Where the node is, for messages: its data directory or its configuration file. */
  String where() {
    return dataDirectory != null ? dataDirectory.toString() : configurationFile.toString();
  }

  /** The option that names this node again, for the lines the commands print. */
  String option() {
    return dataDirectory != null ? "--data-dir " + dataDirectory : "--cfg " + configurationFile;
  }

  /** The standalone runtime of this node (maybe this very process), when its pid file names a live {@code slapos} process. */
  Optional<ProcessHandle> runtime() {
    return liveProcess(pidFile, "slapos");
  }

  /** The node supervisord (partitions' services), when its pid file names a live supervisord. */
  Optional<ProcessHandle> supervisord() {
    return liveProcess(instanceRoot.resolve("var/run/supervisord.pid"), "supervisord");
  }

  /**
   * The live process a pid file names. Its command line must mention {@code marker} when it can be
   * read, so that a pid reused by an unrelated process after a crash does not count.
   */
  static Optional<ProcessHandle> liveProcess(Path pidFile, String marker) {
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
    } catch (IOException | NumberFormatException absentOrStale) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.pid() == ProcessHandle.current().pid()
            || process.info().commandLine().map(line -> line.contains(marker)).orElse(true));
  }

  /** Whether this process runs as root (the owner of {@code /proc/self}; no native call). */
  static boolean runningAsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
