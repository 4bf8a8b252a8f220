package org.slapos.itest.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.itest.proxy.ProxyProcess;
import org.slapos.itest.support.SlaposRun;
import org.slapos.itest.support.SlaposTestSupport;
import org.slapos.standalone.StandaloneLayout;

/**
 * A standalone data directory made by {@link StandaloneLayout} drives the real commands as the
 * user running the build: {@code bin/slapos proxy start} and {@code bin/slapos node format --now}
 * both take its one {@code etc/slapos.cfg}; format makes every partition of the definition file and
 * the proxy receives them; a client command reads the same file.
 */
class StandaloneLayoutProcessTest {
  @TempDir
  Path work;

  @Test
  void proxyAndUnprivilegedFormatRunOnTheLayoutsConfiguration() throws Exception {
    StandaloneLayout layout = StandaloneLayout.prepare(work.resolve("node"),
        new StandaloneLayout.Settings("127.0.0.1", SlaposTestSupport.freePort(), 3, null, null));
    String cfg = layout.configurationFile().toString();
    try (ProxyProcess proxy = ProxyProcess.start(work, layout.configurationFile(), layout.databaseFile(),
        layout.masterUrl() + "/")) {
      SlaposRun format = SlaposRun.of(work, "node", "format", "--cfg", cfg, "--now");
      assertEquals(0, format.exitCode(), format.stdout() + format.stderr());
      for (int i = 0; i < 3; i++) {
        Path partition = layout.instanceRoot().resolve("slappart" + i);
        assertTrue(Files.isDirectory(partition), partition.toString());
        assertEquals(layout.user(), Files.getOwner(partition).getName());
      }

      HttpResponse<String> computer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(proxy.url() + "getFullComputerInformation?computer_id=" + layout.computerId()))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, computer.statusCode(), computer.body());
      assertTrue(computer.body().contains("<string>slappart2</string>"), computer.body());
      // The state file holds the definition file's loopback addresses.
      String state = Files.readString(layout.dataDirectory().resolve("etc/slapos.xml")).replaceAll(">\\s+<", "><");
      assertTrue(state.contains("<string>addr</string><string>127.0.0.1</string>"), state);
      assertTrue(state.contains("<string>addr</string><string>::1</string>"), state);

      SlaposRun again = SlaposRun.of(work, "node", "format", "--cfg", cfg, "--now");
      assertEquals(0, again.exitCode(), again.stderr());

      // The client commands read master_url from the same file.
      SlaposRun supply = SlaposRun.of(work, "supply", "--cfg", cfg, "/srv/sr/software.cfg", layout.computerId());
      assertEquals(0, supply.exitCode(), supply.stdout() + supply.stderr());
    }
  }
}
