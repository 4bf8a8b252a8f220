package org.slapos.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slapos computer list|info} against the proxy's HATEOAS subset. */
class ComputerCommandsTest {
  @TempDir
  Path home;

  private ClientFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new ClientFixture(home);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void listPrintsReferenceAndTitle() throws Exception {
    fixture.master.computer("COMP-1").computer("COMP-2").computer("computer");
    assertEquals(0, fixture.run(new ComputerListCommand(fixture.sessions)));
    assertEquals("List of Computers:\nCOMP-1 COMP-1\nCOMP-2 COMP-2\ncomputer computer\n", fixture.context.stdout());
    assertEquals("", fixture.context.stderr());
  }

  @Test
  void listWithoutComputers() throws Exception {
    assertEquals(0, fixture.run(new ComputerListCommand(fixture.sessions)));
    assertEquals("No existing computer.\n", fixture.context.stdout());
  }

  @Test
  void infoPrintsReferenceAndTitle() throws Exception {
    fixture.master.computer("COMP-1").computer("COMP-2");
    assertEquals(0, fixture.run(new ComputerInfoCommand(fixture.sessions), "COMP-2"));
    assertEquals("Computer Reference: COMP-2\nComputer Title    : COMP-2\n", fixture.context.stdout());
  }

  @Test
  void unknownComputerExitsTwoOnStdout() throws Exception {
    fixture.master.computer("COMP-1");
    assertEquals(2, fixture.run(new ComputerInfoCommand(fixture.sessions), "COMP-9"));
    assertEquals("Computer COMP-9 does not exist.\n", fixture.context.stdout());
    assertEquals("", fixture.context.stderr());
  }
}
