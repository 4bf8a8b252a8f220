package org.slapos.itest.proxy;

import org.slapos.itest.support.SlaposRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.slap.marshal.Marshal;

/**
 * {@code bin/slapos} as a user runs it, against a real {@code bin/slapos proxy start} process:
 * supply, request, service info/list and proxy show, with their outputs and exit codes.
 */
class CommandLineProcessTest {
  @TempDir
  static Path work;

  private static ProxyProcess proxy;
  private static Path clientConfig;


  @BeforeAll
  static void startProxyAndRegisterAComputer() throws Exception {
    proxy = ProxyProcess.start(work);
    String xml = Marshal.dumps(ProxyCrashTest.computer(2));
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(proxy.url() + "loadComputerConfigurationFromXML"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("xml=" + URLEncoder.encode(xml, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    clientConfig = work.resolve("slapos-client.cfg");
    Files.writeString(clientConfig, "[slapos]\nmaster_url = " + proxy.url() + "\nmaster_rest_url = "
        + proxy.url() + "hateoas\n");
  }

  @AfterAll
  static void stopProxy() throws InterruptedException {
    if (proxy != null) {
      proxy.close();
    }
  }

  private static SlaposRun slapos(String... args) throws IOException, InterruptedException {
    return SlaposRun.of(work, args);
  }


  @Test
  void supplyRequestAndServiceInfo() throws Exception {
    String software = work.resolve("software.cfg").toString();
    SlaposRun supply = slapos("supply", "--cfg", clientConfig.toString(), software, ProxyProcess.COMPUTER_ID);
    assertEquals(0, supply.exitCode(), supply.stderr());
    assertTrue(supply.stderr().contains("Requesting software installation of " + software + "..."), supply.stderr());

    SlaposRun request = slapos("request", "--cfg", clientConfig.toString(), "cli-instance", software,
        "--node", "computer_guid=" + ProxyProcess.COMPUTER_ID, "--parameters", "greeting=hello", "n=1");
    assertEquals(0, request.exitCode(), request.stderr());
    assertTrue(request.stderr().contains("Instance requested.\nState is : started."), request.stderr());

    SlaposRun info = slapos("service", "info", "--cfg", clientConfig.toString(), "cli-instance");
    assertEquals(0, info.exitCode(), info.stderr());
    JsonNode json = new ObjectMapper().readTree(info.stdout());
    assertEquals(software, json.get("software-url").asText());
    assertEquals("started", json.get("requested-state").asText());
    assertEquals("hello", json.get("instance-parameters").get("greeting").asText());
    assertEquals("1", json.get("instance-parameters").get("n").asText());
    assertEquals("unsupported", json.get("status").asText());

    SlaposRun list = slapos("service", "list", "--cfg", clientConfig.toString());
    assertEquals(0, list.exitCode(), list.stderr());
    assertEquals(software, new ObjectMapper().readTree(list.stdout()).get("cli-instance").asText());

    // Like the original, proxy show reads the node configuration even when -u names the database.
    SlaposRun show = slapos("proxy", "show", "--cfg", work.resolve("slapos.cfg").toString(), "-u",
        proxy.database().toString(), "--partitions");
    assertEquals(0, show.exitCode(), show.stderr());
    assertTrue(show.stdout().contains("cli-instance"), show.stdout());
  }

  @Test
  void failuresAreOneLineWithTheOriginalsExitCodes() throws Exception {
    SlaposRun unknownInstance = slapos("service", "info", "--cfg", clientConfig.toString(), "no-such-instance");
    assertEquals(2, unknownInstance.exitCode());
    assertTrue(unknownInstance.stderr().contains("Instance no-such-instance does not exist."), unknownInstance.stderr());

    SlaposRun noFreePartition = slapos("request", "--cfg", clientConfig.toString(), "elsewhere", "/sr/software.cfg",
        "--node", "computer_guid=UNKNOWN-COMPUTER");
    assertEquals(1, noFreePartition.exitCode());
    assertTrue(noFreePartition.stderr().lines().noneMatch(line -> line.startsWith("\tat ")), noFreePartition.stderr());

    SlaposRun missingConfig = slapos("supply", "--cfg", work.resolve("missing.cfg").toString(), "/sr", "C");
    assertEquals(1, missingConfig.exitCode());
    assertEquals("Configuration file does not exist: " + work.resolve("missing.cfg"), missingConfig.stderr().trim());

    SlaposRun usage = slapos("request", "--cfg", clientConfig.toString());
    assertEquals(2, usage.exitCode());
    assertTrue(usage.stderr().startsWith("usage: slapos request"), usage.stderr());

    SlaposRun unknownCommand = slapos("frobnicate");
    assertEquals(5, unknownCommand.exitCode());

    SlaposRun help = slapos("--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.stdout().contains("client commands:"), help.stdout());
  }

  /**
   * Every command of the distribution (the build's command index: what the runtimes' bundles
   * register) is listed by {@code slapos --help}, {@code slapos help} and {@code slapos complete},
   * whichever runtime serves it.
   */
  @Test
  void helpAndCompletionListEveryRegisteredCommand() throws Exception {
    Path index = Path.of(System.getProperty("slapos.export", "../runtime/target/export")).resolve("commands.tsv");
    List<String> names = Files.readAllLines(index, StandardCharsets.UTF_8).stream()
        .filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> line.split("\t")[0]).toList();
    assertTrue(names.containsAll(List.of("request", "proxy start", "proxy show", "node format")), names.toString());
    SlaposRun help = slapos("--help");
    SlaposRun helpCommand = slapos("help");
    SlaposRun complete = slapos("complete");
    for (SlaposRun run : List.of(help, helpCommand, complete)) {
      assertEquals(0, run.exitCode(), run.stderr());
    }
    for (String name : names) {
      assertTrue(help.stdout().contains("  " + name + " "), name + " in --help:\n" + help.stdout());
      assertTrue(helpCommand.stdout().contains("  " + name + " "), name + " in help");
      assertTrue(complete.stdout().contains(name.split(" ")[0]), name + " in complete");
    }
  }
}
