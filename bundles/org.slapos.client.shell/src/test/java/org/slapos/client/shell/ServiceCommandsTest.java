package org.slapos.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.command.api.CommandFailure;

/** {@code slapos service info|list} against the proxy's HATEOAS subset. */
class ServiceCommandsTest {
  private static final String PARAMETERS = "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
      + "  <parameter id=\"foo\">bar</parameter>\n</instance>\n";

  @TempDir
  Path home;

  private ClientFixture fixture;
  private String softwareUrl;
  private String frontendUrl;

  @BeforeEach
  void start() throws Exception {
    fixture = new ClientFixture(home);
    softwareUrl = Files.writeString(home.resolve("software.cfg"), "").toString();
    // Served by the scripted master (404: no schema), so that nothing leaves the loopback.
    frontendUrl = fixture.master.url() + "/sr/frontend.cfg";
    fixture.master
        .instance("MyInstance", softwareUrl, "default", "started", PARAMETERS,
            "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
                + "  <parameter id=\"_\">{\"url\": \"http://[::1]:8080/\", \"n\": 1}</parameter>\n</instance>\n", false)
        .instance("My Shared", frontendUrl, "custom-personal", "unused",
            "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id=\"_\">{\n  \"url\": \"http://x\"\n}"
                + "</parameter>\n</instance>\n", null, true);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void infoPrintsJsonOnStdout() throws Exception {
    assertEquals(0, fixture.run(new ServiceInfoCommand(fixture.sessions), "MyInstance"));
    assertEquals("""
        {
          "software-url": "%s",
          "software-type": "default",
          "shared": false,
          "requested-state": "started",
          "instance-parameters": {
            "foo": "bar"
          },
          "connection-parameters": {
            "url": "http://[::1]:8080/",
            "n": 1
          },
          "status": "unsupported"
        }
        """.formatted(softwareUrl), fixture.context.stdout());
    // No software.cfg.json: json-in-xml is assumed, with the original's warning.
    assertEquals(List.of("WARN Unable to load JSON " + softwareUrl + ".json (FileNotFoundError: No such file or "
        + "directory: '" + softwareUrl + ".json')"), fixture.log.lines());
    assertEquals("", fixture.context.stderr());
  }

  @Test
  void infoOfSharedInstance() throws Exception {
    assertEquals(0, fixture.run(new ServiceInfoCommand(fixture.sessions), "My Shared"));
    assertEquals("""
        {
          "software-url": "%s",
          "software-type": "custom-personal",
          "shared": true,
          "requested-state": "unused",
          "instance-parameters": {
            "_": {
              "url": "http://x"
            }
          },
          "connection-parameters": {},
          "status": "unsupported"
        }
        """.formatted(frontendUrl), fixture.context.stdout());
  }

  @Test
  void infoStatusComesFromNews() throws Exception {
    fixture.master.news("MyInstance", Map.of("instance", List.of(
        Map.of("text", "#access OK", "user", "me"),
        Map.of("text", "#error promise failed"))));
    Files.writeString(home.resolve("software.cfg.json"), "{\"serialisation\": \"xml\"}");
    assertEquals(0, fixture.run(new ServiceInfoCommand(fixture.sessions), "MyInstance", "--news"));
    String out = fixture.context.stdout();
    assertEquals("""
          "connection-parameters": {
            "_": "{\\"url\\": \\"http://[::1]:8080/\\", \\"n\\": 1}"
          },
          "status": "orange",
          "news": [
        """, out.substring(out.indexOf("  \"connection-parameters\""), out.indexOf("    {")));
  }

  @Test
  void unknownInstanceExitsTwo() throws Exception {
    assertEquals(2, fixture.run(new ServiceInfoCommand(fixture.sessions), "MyInstance2"));
    assertEquals(List.of("WARN Instance MyInstance2 does not exist."), fixture.log.lines());
    assertEquals("", fixture.context.stdout());
  }

  @Test
  void quoteInNameIsRejectedByTheMaster() throws Exception {
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> fixture.run(new ServiceInfoCommand(fixture.sessions), "a\"b"));
    assertEquals(1, failure.exitCode());
    assertEquals("HTTPError: 400 Client Error: BAD REQUEST for url: ",
        failure.getMessage().substring(0, "HTTPError: 400 Client Error: BAD REQUEST for url: ".length()));
  }

  @Test
  void withoutHateoasTheMasterCannotAnswer() throws Exception {
    Files.writeString(fixture.configuration, "[slapos]\nmaster_url = " + fixture.master.url() + "\n");
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> fixture.run(new ServiceListCommand(fixture.sessions)));
    assertEquals(1, failure.exitCode());
    assertEquals("SlapException: SlapOS Master Hateoas API required for this operation is not available.",
        failure.getMessage());
  }

  @Test
  void listPrintsSortedTitlesAndUrls() throws Exception {
    assertEquals(0, fixture.run(new ServiceListCommand(fixture.sessions)));
    assertEquals("""
        {
          "My Shared": "%s",
          "MyInstance": "%s"
        }
        """.formatted(frontendUrl, softwareUrl), fixture.context.stdout());
    assertEquals(List.of(), fixture.log.lines());
  }
}
