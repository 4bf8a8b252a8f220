package org.slapos.supervisor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.supervisor.api.SupervisorSettings;

/** The texts of node-behavior §5.5, byte for byte, and the update semantics. */
class SupervisorFilesTest {

  /** The original's supervisord.conf.in filled in for {@code root}. */
  static String expectedNodeConfiguration(Path root, String watchdog) {
    return """
        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        [include]
        files = ROOT/etc/supervisord.conf.d/*.conf

        [supervisorctl]
        serverurl = unix://ROOT/sv.sock

        [supervisord]
        loglevel = info
        logfile = ROOT/var/log/supervisord.log
        logfile_maxbytes = 50MB
        nodaemon = false
        pidfile = ROOT/var/run/supervisord.pid
        logfile-backups = 10
        # Do not set minfds. select() does not support file descriptors
        # greater than 1023.
        # minfds =\s

        [unix_http_server]
        file=ROOT/sv.sock
        chmod=0700

        [eventlistener:watchdog]
        command=WATCHDOG
        events=PROCESS_STATE_EXITED, PROCESS_STATE_FATAL
        """.replace("ROOT", root.toString()).replace("WATCHDOG", watchdog);
  }

  @Test
  void nodeConfigurationIsTheOriginalTemplate(@TempDir Path root) {
    String watchdog = "'/opt/slapos/bin/slapos' node watchdog --master-url 'http://127.0.0.1:1/'  --computer-id "
        + "'COMP-1' --instance-root '" + root + "'";
    assertEquals(expectedNodeConfiguration(root, watchdog),
        SupervisorFiles.nodeConfiguration(new SupervisorSettings(root, watchdog)));
  }

  @Test
  void legacySocketIsKeptWhenPresent(@TempDir Path root) throws Exception {
    Files.createFile(root.resolve("supervisord.socket"));
    String text = SupervisorFiles.nodeConfiguration(new SupervisorSettings(root, ""));
    assertTrue(text.contains("serverurl = unix://" + root + "/supervisord.socket\n"), text);
    assertTrue(text.contains("file=" + root + "/supervisord.socket\n"), text);
  }

  @Test
  void groupFileIsTheOriginalTemplate(@TempDir Path partition) throws Exception {
    Files.createDirectories(partition.resolve("etc/run"));
    Files.createDirectories(partition.resolve("etc/service"));
    Files.writeString(partition.resolve("etc/run/web"), "");
    Files.writeString(partition.resolve("etc/run/apache"), "");
    Files.writeString(partition.resolve("etc/service/watched"), "");
    List<SupervisorFiles.Program> programs = SupervisorFiles.programs(partition);

    String text = SupervisorFiles.groupConfiguration("slappart7", partition, programs,
        new SupervisorFiles.RunAs("1007", "1008", "slapuser7", Path.of("/home/slapuser7")));

    StringBuilder expected = new StringBuilder("[group:slappart7]\nprograms=slappart7_apache,slappart7_web,slappart7_watched\n");
    for (String[] program : new String[][] {{"apache", "run/apache", "apache"}, {"web", "run/web", "web"},
        {"watched", "service/watched", "watched-on-watch"}}) {
      expected.append("\n[program:slappart7_").append(program[0]).append("]\n")
          .append("directory=").append(partition).append('\n')
          .append("command=").append(partition).append("/etc/").append(program[1]).append('\n')
          .append("process_name=").append(program[2]).append('\n')
          .append("""
              autostart=false
              autorestart=false
              startsecs=0
              startretries=0
              exitcodes=0
              stopsignal=TERM
              stopwaitsecs=60
              stopasgroup=true
              killasgroup=true
              user=1007
              group=1008
              serverurl=AUTO
              redirect_stderr=true
              stdout_logfile=P/.slappart7_ID.log
              stdout_logfile_maxbytes=100KB
              stdout_logfile_backups=1
              stderr_logfile=P/.slappart7_ID.log
              stderr_logfile_maxbytes=100KB
              stderr_logfile_backups=1
              environment=USER="slapuser7",LOGNAME="slapuser7",HOME="/home/slapuser7"
              """.replace("P", partition.toString()).replace("ID", program[0]));
    }
    assertEquals(expected.toString(), text);
  }

  @Test
  void aServiceNamedLikeARunnerReplacesItInPlace(@TempDir Path partition) throws Exception {
    Files.createDirectories(partition.resolve("etc/run"));
    Files.createDirectories(partition.resolve("etc/service"));
    Files.writeString(partition.resolve("etc/run/a"), "");
    Files.writeString(partition.resolve("etc/run/b"), "");
    Files.writeString(partition.resolve("etc/service/a"), "");

    assertEquals(List.of(new SupervisorFiles.Program("a", "a-on-watch", partition.resolve("etc/service/a")),
        new SupervisorFiles.Program("b", "b", partition.resolve("etc/run/b"))), SupervisorFiles.programs(partition));
  }

  @Test
  void valuesCannotAddLinesAndPercentIsEscaped(@TempDir Path root) {
    assertThrows(IllegalArgumentException.class,
        () -> SupervisorFiles.nodeConfiguration(new SupervisorSettings(root, "x\n[program:evil]")));
    assertThrows(IllegalArgumentException.class, () -> SupervisorFiles.name("a]b"));
    assertEquals("/srv/100%%", SupervisorFiles.value("/srv/100%"));
  }

  @Test
  void updateRewritesOnlyOnChangeAndForcesTheMode(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("f.conf");
    assertTrue(SupervisorFiles.updateFile(file, "a\n", SupervisorFiles.PRIVATE_FILE));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertFalse(SupervisorFiles.updateFile(file, "a\n", SupervisorFiles.PRIVATE_FILE));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertTrue(SupervisorFiles.updateFile(file, "a\n", SupervisorFiles.PRIVATE_FILE));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(SupervisorFiles.updateFile(file, "b\n", SupervisorFiles.PRIVATE_FILE));
    assertEquals("b\n", Files.readString(file));
    try (var files = Files.list(directory)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left");
    }
  }
}
