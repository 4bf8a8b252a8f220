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
    GlobalOptions o = GlobalOptions.parse(List.of("-vv", "--debug", "--log-file", "/tmp/x.log", "request", "a"));
    assertEquals(2, o.verbosity());
    assertTrue(o.debug());
    assertEquals("/tmp/x.log", o.logFile());
    assertEquals(List.of("request", "a"), o.commandWords());
  }

  @Test
  void globalOptionsAfterTheCommandCountToo() {
    GlobalOptions o = GlobalOptions.parse(List.of("proxy", "start", "--cfg", "slapos.cfg", "--verbose", "--debug"));
    assertEquals(1, o.verbosity());
    assertTrue(o.debug());
    assertEquals(List.of("proxy", "start", "slapos.cfg"), o.commandWords());
  }

  @Test
  void globalOptionsBetweenCommandWordsAreNotWords() {
    GlobalOptions o = GlobalOptions.parse(List.of("proxy", "-q", "--log-file", "p.log", "show"));
    assertEquals(-1, o.verbosity());
    assertEquals("p.log", o.logFile());
    assertEquals(List.of("proxy", "show"), o.commandWords());
  }

  @Test
  void verbosityRepeatsAndAccumulates() {
    assertEquals(3, GlobalOptions.parse(List.of("-v", "request", "-vv")).verbosity());
    assertEquals(2, GlobalOptions.parse(List.of("--verbose", "--verbose")).verbosity());
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
  void everyLogFileSpelling() {
    for (List<String> line : List.of(List.of("--log-file", "f"), List.of("--logfile", "f"), List.of("--log_file", "f"),
        List.of("--log-file=f"), List.of("--logfile=f"), List.of("--log_file=f"))) {
      GlobalOptions o = GlobalOptions.parse(line);
      assertEquals("f", o.logFile(), line.toString());
      assertTrue(o.commandWords().isEmpty(), line.toString());
    }
  }

  @Test
  void helpVersionAndColourAreRecognisedAnywhere() {
    GlobalOptions o = GlobalOptions.parse(List.of("proxy", "start", "-h", "--log-color"));
    assertTrue(o.help());
    assertFalse(o.version());
    assertEquals(List.of("proxy", "start"), o.commandWords());
    assertTrue(GlobalOptions.parse(List.of("--help")).help());
    assertTrue(GlobalOptions.parse(List.of("--version")).version());
  }

  @Test
  void doubleDashEndsOptions() {
    GlobalOptions o = GlobalOptions.parse(List.of("request", "--", "--debug", "-v"));
    assertFalse(o.debug());
    assertEquals(0, o.verbosity());
    assertEquals(List.of("request", "--debug", "-v"), o.commandWords());
  }

  @Test
  void commandOptionsAreNotWords() {
    GlobalOptions o = GlobalOptions.parse(List.of("request", "--node", "computer_guid=C", "my-instance"));
    assertEquals(List.of("request", "computer_guid=C", "my-instance"), o.commandWords());
  }

  @Test
  void noArguments() {
    GlobalOptions o = GlobalOptions.parse(List.of());
    assertEquals(0, o.verbosity());
    assertNull(o.logFile());
    assertTrue(o.logTime());
    assertFalse(o.help());
    assertTrue(o.commandWords().isEmpty());
  }

  @Test
  void aMissingLogFileValueIsLeftToTheCommandLine() {
    GlobalOptions o = GlobalOptions.parse(List.of("request", "--log-file"));
    assertNull(o.logFile());
    assertEquals(List.of("request"), o.commandWords());
  }
}
