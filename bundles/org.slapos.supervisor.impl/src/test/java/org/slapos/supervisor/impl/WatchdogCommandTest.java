package org.slapos.supervisor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slapos.supervisor.api.WatchdogCommand;

/** The watchdog command line written into supervisord.conf. */
class WatchdogCommandTest {

  @Test
  void commandLineHasTheOriginalsShapeWithOurLauncher() {
    Path slapos = WatchdogCommand.slaposExecutable("/opt/slapos-java");
    assertEquals(Path.of("/opt/slapos-java/bin/slapos"), slapos);
    assertEquals("'/opt/slapos-java/bin/slapos' node watchdog --master-url 'https://slap.example/'  "
        + "--certificate-repository-path '/etc/opt/slapos/ssl/partition_pki' --computer-id 'COMP-1' "
        + "--instance-root '/srv/slapgrid'",
        new WatchdogCommand(slapos, "https://slap.example/", Path.of("/etc/opt/slapos/ssl/partition_pki"), "COMP-1",
            Path.of("/srv/slapgrid")).commandLine());
    assertEquals("'/opt/slapos-java/bin/slapos' node watchdog --master-url 'http://127.0.0.1:8080/'  "
        + "--computer-id 'COMP-1' --instance-root '/srv/slapgrid'",
        new WatchdogCommand(slapos, "http://127.0.0.1:8080/", null, "COMP-1", Path.of("/srv/slapgrid")).commandLine());
  }

  @Test
  void quotesAndPercentSurviveSupervisordsParsing() {
    assertEquals("'/x/bin/slapos' node watchdog --master-url 'http://h/?a=100%%'  --computer-id 'it'\"'\"'s' "
        + "--instance-root '/srv'", new WatchdogCommand(Path.of("/x/bin/slapos"), "http://h/?a=100%", null, "it's",
            Path.of("/srv")).commandLine());
  }

  @Test
  void controlCharactersAndRelativeOrMissingHomesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new WatchdogCommand(Path.of("/x"), "http://h/\n[program:x]",
        null, "C", Path.of("/srv")).commandLine());
    assertThrows(IllegalArgumentException.class, () -> new WatchdogCommand(Path.of("x"), "u", null, "C", Path.of("/srv")));
    assertThrows(IllegalArgumentException.class, () -> WatchdogCommand.slaposExecutable(null));
    assertThrows(IllegalArgumentException.class, () -> WatchdogCommand.slaposExecutable(" "));
  }
}
