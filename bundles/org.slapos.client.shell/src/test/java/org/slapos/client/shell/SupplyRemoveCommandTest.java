package org.slapos.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.client.shell.ScriptedMaster.Answer;
import org.slapos.client.shell.ScriptedMaster.Received;
import org.slapos.command.api.CommandFailure;

/** {@code slapos supply} and {@code slapos remove}: supplySupply with state available / destroyed. */
class SupplyRemoveCommandTest {
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

  private Received onlySupply() {
    List<Received> supplies = fixture.master.received("/supplySupply");
    assertEquals(1, supplies.size());
    return supplies.get(0);
  }

  @Test
  void supplyAsksForInstallation() throws Exception {
    assertEquals(0, fixture.run(new SupplyCommand(fixture.sessions), "http://sr/software.cfg", "COMP-1"));
    assertEquals(List.of(Map.entry("url", "http://sr/software.cfg"), Map.entry("computer_id", "COMP-1"),
        Map.entry("state", "available")), List.copyOf(onlySupply().form().entrySet()));
    assertEquals(List.of("INFO Requesting software installation of http://sr/software.cfg...", "INFO Done."),
        fixture.log.lines());
  }

  @Test
  void supplyResolvesProducts() throws Exception {
    fixture.master.product("kvm", "http://sr/kvm.cfg");
    assertEquals(0, fixture.run(new SupplyCommand(fixture.sessions), "product.kvm", "COMP-1"));
    assertEquals("http://sr/kvm.cfg", onlySupply().form().get("url"));
    assertEquals(List.of("INFO Requesting software installation of product.kvm...",
        "INFO Getting best Software Release corresponding to this Software Product...",
        "INFO Found as http://sr/kvm.cfg.", "INFO Done."), fixture.log.lines());
  }

  @Test
  void removeAsksForDestruction() throws Exception {
    assertEquals(0, fixture.run(new RemoveCommand(fixture.sessions), "http://sr/software.cfg", "COMP-1"));
    assertEquals(List.of(Map.entry("url", "http://sr/software.cfg"), Map.entry("computer_id", "COMP-1"),
        Map.entry("state", "destroyed")), List.copyOf(onlySupply().form().entrySet()));
    assertEquals(List.of("INFO Requesting deletion of http://sr/software.cfg Software Release...", "INFO Done."),
        fixture.log.lines());
  }

  @Test
  void unknownComputerIsOneLineFailure() throws Exception {
    fixture.master.answer("POST", "/supplySupply", Answer.html(404, ScriptedMaster.resource("not-found.html")));
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> fixture.run(new SupplyCommand(fixture.sessions), "http://sr/software.cfg", "COMP-9"));
    assertEquals(1, failure.exitCode());
    assertEquals("NotFoundError: Computer COMP-9 has not been found by SlapOS Master.", failure.getMessage());
  }

  @Test
  void unreachableMasterIsOneLineFailure() throws Exception {
    fixture.master.close();
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> fixture.run(new RemoveCommand(fixture.sessions), "http://sr/software.cfg", "COMP-1"));
    assertEquals(1, failure.exitCode());
    assertEquals("ConnectionError: Couldn't connect to the server.",
        failure.getMessage().substring(0, "ConnectionError: Couldn't connect to the server.".length()));
    assertEquals(-1, failure.getMessage().indexOf('\n'));
  }
}
