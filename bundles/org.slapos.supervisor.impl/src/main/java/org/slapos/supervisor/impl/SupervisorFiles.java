package org.slapos.supervisor.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slapos.supervisor.api.SupervisorException;
import org.slapos.supervisor.api.SupervisorSettings;

/**
 * The files of node-behavior §5.5: the node's {@code supervisord.conf}, the partitions' program files,
 * and the "update" semantics (rewritten only when the content differs, mode forced).
 */
final class SupervisorFiles {
  static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> VAR_DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
  static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
  /** What separates an etc/service program's process name from its file name: the watchdog looks for it. */
  static final String WATCHDOG_MARK = "-on-watch";

  private SupervisorFiles() {
  }

  /** One program of a partition group: its id in the group, process name and command. */
  record Program(String id, String name, Path command) { }

  /** Who a partition's programs run as, and the minimal environment supervisord gives them. */
  record RunAs(String uid, String gid, String userName, Path home) { }

  /** {@code etc/supervisord.conf}, as the original's template fills it. */
  static String nodeConfiguration(SupervisorSettings settings) {
    Path root = settings.instanceRoot().toAbsolutePath();
    String socket = value(settings.socket().toAbsolutePath().toString());
    return "[rpcinterface:supervisor]\n"
        + "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
        + "\n"
        + "[include]\n"
        + "files = " + value(settings.programDirectory().toAbsolutePath().toString()) + "/*.conf\n"
        + "\n"
        + "[supervisorctl]\n"
        + "serverurl = unix://" + socket + "\n"
        + "\n"
        + "[supervisord]\n"
        + "loglevel = info\n"
        + "logfile = " + value(root.resolve("var/log/supervisord.log").toString()) + "\n"
        + "logfile_maxbytes = 50MB\n"
        + "nodaemon = false\n"
        + "pidfile = " + value(root.resolve("var/run/supervisord.pid").toString()) + "\n"
        + "logfile-backups = 10\n"
        + "# Do not set minfds. select() does not support file descriptors\n"
        + "# greater than 1023.\n"
        + "# minfds = \n"
        + "\n"
        + "[unix_http_server]\n"
        + "file=" + socket + "\n"
        + "chmod=0700\n"
        + "\n"
        + "[eventlistener:watchdog]\n"
        // The command is already escaped for supervisord (WatchdogCommand); only new lines are refused.
        + "command=" + singleLine(settings.watchdogCommand()) + "\n"
        + "events=PROCESS_STATE_EXITED, PROCESS_STATE_FATAL\n";
  }

  /**
   * The programs of a partition: the sorted entries of {@code etc/run} then of {@code etc/service}
   * (process name {@code <name>-on-watch}); a service with a runner's name replaces it in place, as the
   * original's dictionary does.
   */
  static List<Program> programs(Path partition) throws SupervisorException {
    Map<String, Program> programs = new LinkedHashMap<>();
    for (Program program : entries(partition.resolve("etc/run"), "")) {
      programs.put(program.id(), program);
    }
    for (Program program : entries(partition.resolve("etc/service"), WATCHDOG_MARK)) {
      programs.put(program.id(), program);
    }
    return List.copyOf(programs.values());
  }

  static List<Program> entries(Path directory, String extension) throws SupervisorException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(entry -> entry.getFileName().toString()).sorted()
          .map(name -> new Program(name, name + extension, directory.resolve(name))).toList();
    } catch (IOException e) {
      throw new SupervisorException("Cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  /** The group file {@code <group>.conf}: the group section then one program section per program. */
  static String groupConfiguration(String group, Path partition, List<Program> programs, RunAs runAs) {
    Path directory = partition.toAbsolutePath();
    StringBuilder text = new StringBuilder("[group:").append(name(group)).append("]\nprograms=");
    text.append(String.join(",", programs.stream().map(p -> name(group + "_" + p.id())).toList())).append('\n');
    for (Program program : programs) {
      String programId = name(group + "_" + program.id());
      String log = value(directory.resolve("." + programId + ".log").toString());
      text.append('\n')
          .append("[program:").append(programId).append("]\n")
          .append("directory=").append(value(directory.toString())).append('\n')
          .append("command=").append(value(program.command().toAbsolutePath().toString())).append('\n')
          .append("process_name=").append(name(program.name())).append('\n')
          .append("autostart=false\n")
          .append("autorestart=false\n")
          .append("startsecs=0\n")
          .append("startretries=0\n")
          .append("exitcodes=0\n")
          .append("stopsignal=TERM\n")
          .append("stopwaitsecs=60\n")
          .append("stopasgroup=true\n")
          .append("killasgroup=true\n")
          .append("user=").append(value(runAs.uid())).append('\n')
          .append("group=").append(value(runAs.gid())).append('\n')
          .append("serverurl=AUTO\n")
          .append("redirect_stderr=true\n")
          .append("stdout_logfile=").append(log).append('\n')
          .append("stdout_logfile_maxbytes=100KB\n")
          .append("stdout_logfile_backups=1\n")
          .append("stderr_logfile=").append(log).append('\n')
          .append("stderr_logfile_maxbytes=100KB\n")
          .append("stderr_logfile_backups=1\n")
          .append("environment=USER=\"").append(quoted(runAs.userName())).append("\",LOGNAME=\"")
          .append(quoted(runAs.userName())).append("\",HOME=\"").append(quoted(runAs.home().toString())).append("\"\n");
    }
    return text.toString();
  }

  /**
   * Writes {@code content} unless the file already holds exactly it; forces {@code mode} either way.
   *
   * @return whether anything changed
   */
  static boolean updateFile(Path file, String content, Set<PosixFilePermission> mode) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      if (Arrays.equals(Files.readAllBytes(file), bytes)) {
        if (Files.getPosixFilePermissions(file).equals(mode)) {
          return false;
        }
        Files.setPosixFilePermissions(file, mode);
        return true;
      }
    }
    // Written beside, private from the start, then moved over: never a moment with the old mode and new content.
    Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    Files.createFile(temporary, PosixFilePermissions.asFileAttribute(mode));
    Files.write(temporary, bytes);
    Files.setPosixFilePermissions(temporary, mode);
    Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  /** Creates the directory if needed and makes it 0700; fails like the original when the mode does not stick. */
  static void privateDirectory(Path directory) throws SupervisorException, IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectory(directory);
    }
    Files.setPosixFilePermissions(directory, PRIVATE_DIRECTORY);
    Set<PosixFilePermission> actual = Files.getPosixFilePermissions(directory);
    if (!actual.equals(PRIVATE_DIRECTORY)) {
      throw new SupervisorException("Wrong permissions in " + directory + ": is "
          + PosixFilePermissions.toString(actual) + ", should be rwx------");
    }
  }

  /** A value written after {@code key=}: one line, with {@code %} doubled (supervisord expands {@code %(x)s}). */
  static String value(String text) {
    return singleLine(text).replace("%", "%%");
  }

  /** A section or process name: one line, no characters that would end the section header or split a list. */
  static String name(String text) {
    String line = singleLine(text);
    for (char c : new char[] {']', ',', ':', '%', ';', '#', '[', ' '}) {
      if (line.indexOf(c) >= 0) {
        throw new IllegalArgumentException("A supervisor program or group name cannot hold '" + c + "': " + line);
      }
    }
    return line;
  }

  /** A value inside {@code environment=K="..."}. */
  private static String quoted(String text) {
    String line = value(text);
    if (line.indexOf('"') >= 0) {
      throw new IllegalArgumentException("A supervisor environment value cannot hold '\"': " + line);
    }
    return line;
  }

  private static String singleLine(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        throw new IllegalArgumentException("A supervisord configuration value holds a control character: "
            + text.replaceAll("\\p{Cntrl}", "?"));
      }
    }
    return text;
  }
}
