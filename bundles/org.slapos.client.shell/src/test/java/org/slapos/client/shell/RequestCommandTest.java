package org.slapos.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.client.shell.ScriptedMaster.Answer;
import org.slapos.client.shell.ScriptedMaster.Received;
import org.slapos.command.api.CommandFailure;

/** {@code slapos request} against a scripted slapproxy over real HTTP. */
class RequestCommandTest {
  private static final String EMPTY_DICT = "<marshal><dictionary id=\"i2\"/></marshal>";

  @TempDir
  Path home;

  private ClientFixture fixture;
  private RequestCommand command;

  @BeforeEach
  void start() throws Exception {
    fixture = new ClientFixture(home);
    command = new RequestCommand(fixture.sessions);
    fixture.master.answer("POST", "/requestComputerPartition",
        Answer.html(200, ScriptedMaster.resource("request-with-connection.xml")));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private Received onlyRequest() {
    List<Received> requests = fixture.master.received("/requestComputerPartition");
    assertEquals(1, requests.size());
    return requests.get(0);
  }

  @Test
  void requestsAndLogsStateAndConnectionParameters() throws Exception {
    String softwareUrl = fixture.master.url() + "/sr/software.cfg";
    assertEquals(0, fixture.run(command, "myinstance", softwareUrl, "--parameters", "a=1", "b=x",
        "--node", "computer_guid=COMP-1"));

    Received request = onlyRequest();
    assertEquals(List.of("software_release", "partition_reference", "partition_parameter_xml", "filter_xml",
        "software_type", "state", "shared_xml"), List.copyOf(request.form().keySet()));
    assertEquals(softwareUrl, request.form().get("software_release"));
    assertEquals("myinstance", request.form().get("partition_reference"));
    assertEquals("<marshal><dictionary id=\"i2\"><string>a</string><string>1</string>"
        + "<string>b</string><string>x</string></dictionary></marshal>", request.form().get("partition_parameter_xml"));
    assertEquals("<marshal><dictionary id=\"i2\"><string>computer_guid</string><string>COMP-1</string>"
        + "</dictionary></marshal>", request.form().get("filter_xml"));
    assertEquals("default", request.form().get("software_type"));
    assertEquals("<marshal><none/></marshal>", request.form().get("state"));
    assertEquals("<marshal><bool>0</bool></marshal>", request.form().get("shared_xml"));

    assertEquals(List.of(
        "INFO Validating request parameters for myinstance as an instance of " + softwareUrl + " ...",
        "WARN Unable to load JSON " + softwareUrl + ".json (IOException: HTTP Error 404 for " + softwareUrl + ".json)",
        "INFO Requesting myinstance as an instance of " + softwareUrl + " ...",
        "INFO Instance requested.\nState is : started.",
        "INFO Connection parameters of instance are:",
        "INFO {'ipv6': 'fd5a:1ab0:5eed::2',\n 'partition-state': 'started',\n 'url': 'http://127.0.1.106:8080/'}",
        "INFO You can rerun the command to get up-to-date information."), fixture.log.lines());
    assertEquals("", fixture.context.stdout());
    assertEquals("", fixture.context.stderr());
  }

  @Test
  void sendsSharedTypeAndState() throws Exception {
    fixture.master.answer("POST", "/requestComputerPartition",
        Answer.html(200, ScriptedMaster.resource("request-started.xml")));
    Path sr = Files.writeString(home.resolve("software.cfg"), "[buildout]\n");
    Files.writeString(home.resolve("software.cfg.json"), "{\"serialisation\": \"xml\", \"software-type\": "
        + "{\"frontend\": {\"request\": \"instance-input-schema.json\"}}}");
    assertEquals(0, fixture.run(command, "front", sr.toString(), "--slave", "--type", "frontend",
        "--state", "stopped"));

    Received request = onlyRequest();
    assertEquals("frontend", request.form().get("software_type"));
    assertEquals("<marshal><string>stopped</string></marshal>", request.form().get("state"));
    assertEquals("<marshal><bool>1</bool></marshal>", request.form().get("shared_xml"));
    assertEquals(EMPTY_DICT, request.form().get("partition_parameter_xml"));
    assertEquals(EMPTY_DICT, request.form().get("filter_xml"));
    // The request schema is missing: a warning only. The xml serialisation leaves {} as it is.
    assertEquals(List.of(
        "INFO Validating request parameters for front as an instance of " + sr + " ...",
        "WARN Unable to load JSON " + home.resolve("instance-input-schema.json")
            + " (FileNotFoundError: No such file or directory: '" + home.resolve("instance-input-schema.json") + "')",
        "INFO Requesting front as an instance of " + sr + " ...",
        "INFO Instance requested.\nState is : started.",
        "INFO Connection parameters of instance are:",
        "INFO {}",
        "INFO You can rerun the command to get up-to-date information."), fixture.log.lines());
  }

  @Test
  void notReadyYetExitsTwo() throws Exception {
    fixture.master.answer("POST", "/requestComputerPartition", Answer.html(408, ""));
    assertEquals(2, fixture.run(command, "myinstance", fixture.master.url() + "/sr/software.cfg"));
    List<String> lines = fixture.log.lines();
    assertEquals("WARN Instance requested. Master is provisioning it. Please rerun in a couple of minutes to get "
        + "connection information.", lines.get(lines.size() - 1));
  }

  @Test
  void notFoundIsOneLineFailure() throws Exception {
    fixture.master.answer("POST", "/requestComputerPartition",
        Answer.html(404, "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
            + "<p>No free computer partition found for: myinstance</p>\n"));
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> fixture.run(command, "myinstance", fixture.master.url() + "/sr/software.cfg"));
    assertEquals(1, failure.exitCode());
    assertEquals("NotFoundError: " + fixture.master.url() + "/requestComputerPartition", failure.getMessage());
  }

  @Test
  void serverErrorIsHttpError() throws Exception {
    fixture.master.answer("POST", "/requestComputerPartition", Answer.html(500, "boom"));
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> fixture.run(command, "myinstance", fixture.master.url() + "/sr/software.cfg"));
    assertEquals(1, failure.exitCode());
    assertEquals("HTTPError: 500 Server Error: INTERNAL SERVER ERROR for url: " + fixture.master.url()
        + "/requestComputerPartition", failure.getMessage());
  }

  @Test
  void jsonParametersFileIsWrappedForJsonInXml() throws Exception {
    String softwareUrl = fixture.master.url() + "/sr/software.cfg";
    fixture.master.file("/sr/software.cfg.json", "{\"name\": \"Test\", \"serialisation\": \"json-in-xml\","
        + " \"software-type\": {\"default\": {\"request\": \"instance-input-schema.json\"}}}");
    fixture.master.file("/sr/instance-input-schema.json", "{\"type\": \"object\"}");
    fixture.master.answer("POST", "/requestComputerPartition", Answer.html(200, ScriptedMaster.resource(
        "request-started.xml").replace("<string>_connection_dict</string><dictionary id=\"i4\"/>",
        "<string>_connection_dict</string><dictionary id=\"i4\"><string>_</string>"
            + "<string>{\"url\": \"http://x\"}</string></dictionary>")));
    Path parameters = Files.writeString(home.resolve("parameters.json"),
        "{\"b\": [1, 2], \"a\": \"\u00e9\", \"c\": {\"d\": null, \"e\": 1.5, \"f\": true}}");

    assertEquals(0, fixture.run(command, "myinstance", softwareUrl, "--parameters-file", "parameters.json"));

    assertEquals("<marshal><dictionary id=\"i2\"><string>_</string><string>{\n  \"b\": [\n    1,\n    2\n  ],\n"
        + "  \"a\": \"\\u00e9\",\n  \"c\": {\n    \"d\": null,\n    \"e\": 1.5,\n    \"f\": true\n  }\n}</string>"
        + "</dictionary></marshal>", onlyRequest().form().get("partition_parameter_xml"));
    assertEquals(List.of(
        "INFO Validating request parameters for myinstance as an instance of " + softwareUrl + " ...",
        "INFO Requesting myinstance as an instance of " + softwareUrl + " ...",
        "INFO Instance requested.\nState is : started.",
        "INFO Connection parameters of instance are:",
        "INFO {'url': 'http://x'}",
        "INFO You can rerun the command to get up-to-date information."), fixture.log.lines());
    assertTrue(parameters.toFile().exists());
  }

  @Test
  void parametersFileWithOnlyUnderscoreIsNotWrappedAgain() throws Exception {
    Path sr = Files.writeString(home.resolve("software.cfg"), "");
    Files.writeString(home.resolve("software.cfg.json"), "{\"serialisation\": \"json-in-xml\"}");
    Files.writeString(home.resolve("p.yaml"), "_: '{\"a\": 1}'\n");
    assertEquals(0, fixture.run(command, "i", sr.toString(), "--parameters-file", "p.yaml"));
    assertEquals("<marshal><dictionary id=\"i2\"><string>_</string><string>{\"a\": 1}</string></dictionary></marshal>",
        onlyRequest().form().get("partition_parameter_xml"));
  }

  @Test
  void forcedXmlSerialisationSendsYamlValuesAsTheyAre() throws Exception {
    Path sr = Files.writeString(home.resolve("software.cfg"), "");
    Files.writeString(home.resolve("p.yml"), "a: 1\nb: text\n");
    assertEquals(0, fixture.run(command, "i", sr.toString(), "--parameters-file", "p.yml",
        "--force-serialisation", "xml"));
    assertEquals("<marshal><dictionary id=\"i2\"><string>a</string><int>1</int><string>b</string><string>text</string>"
        + "</dictionary></marshal>", onlyRequest().form().get("partition_parameter_xml"));
  }

  @Test
  void xmlParametersFileIsTakenAsItIs() throws Exception {
    Path sr = Files.writeString(home.resolve("software.cfg"), "");
    Files.writeString(home.resolve("software.cfg.json"), "{\"serialisation\": \"json-in-xml\"}");
    Files.writeString(home.resolve("p.xml"), "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
        + "  <parameter id=\"x\">1</parameter>\n  <parameter id=\"y\"/>\n</instance>\n");
    assertEquals(0, fixture.run(command, "i", sr.toString(), "--parameters-file", "p.xml"));
    assertEquals("<marshal><dictionary id=\"i2\"><string>x</string><string>1</string><string>y</string><none/>"
        + "</dictionary></marshal>", onlyRequest().form().get("partition_parameter_xml"));
  }

  @Test
  void parametersFileNeedsADeclaredSerialisation() throws Exception {
    Path sr = Files.writeString(home.resolve("software.cfg"), "");
    Files.writeString(home.resolve("software.cfg.json"), "{\"name\": \"no serialisation\"}");
    Files.writeString(home.resolve("p.json"), "{\"a\": 1}");
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> fixture.run(command, "i", sr.toString(), "--parameters-file", "p.json"));
    assertEquals(1, failure.exitCode());
    assertEquals("Cannot tell how to serialise the parameters file: " + sr + ".json defines no valid serialisation"
        + " for software type 'default' (KeyError: 'serialisation'); use --force-serialisation {xml,json-in-xml}",
        failure.getMessage());
    assertTrue(fixture.log.lines().contains("WARN Invalid or undefined serialisation for software type 'default' of "
        + "software release " + sr + " (KeyError: 'serialisation')"), fixture.log.text());
    assertEquals(List.of(), fixture.master.received("/requestComputerPartition"));
  }

  @Test
  void parametersFileWithoutSchemaFails() throws Exception {
    Path sr = Files.writeString(home.resolve("software.cfg"), "");
    Files.writeString(home.resolve("p.json"), "{\"a\": 1}");
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> fixture.run(command, "i", sr.toString(), "--parameters-file", "p.json"));
    assertEquals("Cannot tell how to serialise the parameters file: cannot read the software release schema "
        + sr + ".json; use --force-serialisation {xml,json-in-xml}", failure.getMessage());
  }

  @Test
  void repeatedKeyFailsBeforeAnyRequest() throws Exception {
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> fixture.run(command, "i", "url", "--parameters", "a=1", "a=2"));
    assertEquals(1, failure.exitCode());
    assertEquals("Multiple values provided for the same key 'a'", failure.getMessage());
    failure = assertThrows(CommandFailure.class, () -> fixture.run(command, "i", "url", "--node", "novalue"));
    assertEquals("Invalid option 'novalue': expected key=value", failure.getMessage());
    assertEquals(List.of(), fixture.master.received());
  }

  @Test
  void laterNodeOptionReplacesEarlierOneLikeArgparse() throws Exception {
    assertEquals(0, fixture.run(command, "i", fixture.master.url() + "/sr/software.cfg",
        "--node", "computer_guid=A", "--node", "computer_guid=B"));
    assertEquals("<marshal><dictionary id=\"i2\"><string>computer_guid</string><string>B</string>"
        + "</dictionary></marshal>", onlyRequest().form().get("filter_xml"));
  }

  @Test
  void resolvesSoftwareProducts() throws Exception {
    Path sr = Files.writeString(home.resolve("kvm.cfg"), "");
    fixture.master.product("kvm", sr.toString());
    assertEquals(0, fixture.run(command, "mykvm", "product.kvm"));
    assertEquals(sr.toString(), onlyRequest().form().get("software_release"));
    assertEquals("kvm", fixture.master.received("/getSoftwareReleaseListFromSoftwareProduct").get(0)
        .query().get("software_product_reference"));
    List<String> lines = fixture.log.lines();
    assertEquals(List.of(
        "INFO Validating request parameters for mykvm as an instance of product.kvm ...",
        "INFO Getting best Software Release corresponding to this Software Product...",
        "INFO Found as " + sr + ".",
        "WARN Unable to load JSON " + sr + ".json (FileNotFoundError: No such file or directory: '" + sr + ".json')",
        "INFO Requesting mykvm as an instance of " + sr + " ..."), lines.subList(0, 5));
  }

  @Test
  void unknownProductExitsOne() throws Exception {
    fixture.master.product("kvm", "http://example.invalid/kvm.cfg");
    assertEquals(1, fixture.run(command, "mykvm", "product.nothing"));
    assertEquals("ERROR Error: No Software Release corresponding to this Software Product has been found. "
        + "Exiting now.", fixture.log.lines().get(fixture.log.lines().size() - 1));
    assertEquals(List.of(), fixture.master.received("/requestComputerPartition"));
  }

  @Test
  void missingConfigurationFileExitsOne() throws Exception {
    Files.delete(fixture.configuration);
    CommandFailure failure = assertThrows(CommandFailure.class, () -> fixture.run(command, "i", "url"));
    assertEquals(1, failure.exitCode());
    assertEquals("Configuration file does not exist: " + fixture.configuration, failure.getMessage());
  }

  @Test
  void cfgOptionWinsOverTheEnvironment() throws Exception {
    Path other = home.resolve("other.cfg");
    Files.writeString(other, "[slapos]\nmaster_url = " + fixture.master.url() + "/other/\n");
    fixture.master.answer("POST", "/other/requestComputerPartition",
        Answer.html(200, ScriptedMaster.resource("request-started.xml")));
    assertEquals(0, fixture.run(command, "i", fixture.master.url() + "/sr/software.cfg", "--cfg", other.toString()));
    assertEquals(1, fixture.master.received("/other/requestComputerPartition").size());
  }
}
