package org.slapos.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GlobalOptionsTest {

  @Test
  void optionsBeforeTheCommandAreGlobal() {
    GlobalOptions o = GlobalOptions.parse(List.of("-vv", "--debug", "--log-file", "/tmp/x.log", "request", "-v", "a"));
    assertEquals(2, o.verbosity());
    assertTrue(o.debug());
    assertEquals("/tmp/x.log", o.logFile());
    assertEquals(List.of("request", "-v", "a"), o.commandWords());
  }

  @Test
  void quietAndTimeFlags() {
    GlobalOptions o = GlobalOptions.parse(List.of("-q", "--log-time", "--logfile=/l", "supply"));
    assertEquals(-1, o.verbosity());
    assertFalse(o.logTime());
    assertEquals("/l", o.logFile());
    assertEquals(List.of("supply"), o.commandWords());
  }

  @Test
  void shortFlagsClusterAndApplyLeftToRightAsTheCommandLineBundleDoes() {
    assertEquals(-1, GlobalOptions.parse(List.of("-vq", "request")).verbosity());
    assertEquals(1, GlobalOptions.parse(List.of("-qvv", "request")).verbosity());
    assertEquals(0, GlobalOptions.parse(List.of("-q", "-v", "request")).verbosity());
    assertEquals(List.of("proxy", "start"), GlobalOptions.parse(List.of("-vq", "proxy", "start")).commandWords());
  }

  @Test
  void noArguments() {
    GlobalOptions o = GlobalOptions.parse(List.of());
    assertEquals(0, o.verbosity());
    assertNull(o.logFile());
    assertTrue(o.commandWords().isEmpty());
  }

  @Test
  void proxyCommandsRunOnTheMasterRuntime() {
    assertEquals("master", RuntimeSelector.runtimeFor(List.of("proxy", "start")));
    assertEquals("cli", RuntimeSelector.runtimeFor(List.of("request", "a", "b")));
    assertEquals("cli", RuntimeSelector.runtimeFor(List.of()));
  }
}
