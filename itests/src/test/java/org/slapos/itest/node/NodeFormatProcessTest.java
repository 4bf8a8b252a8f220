package org.slapos.itest.node;

import org.slapos.itest.support.SlaposRun;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.itest.proxy.ProxyProcess;
import org.slapos.itest.support.SlaposTestSupport;

/**
 * {@code bin/slapos node format} as an operator runs it (the node runtime, in its unprivileged
 * mode: no users, no network changes) against a real {@code bin/slapos proxy start} process: the
 * proxy receives the computer and its partitions with the addresses of the state file.
 */
class NodeFormatProcessTest {
  private static final Pattern IPV4 = Pattern.compile("<string>addr</string><string>(\\d+\\.\\d+\\.\\d+\\.\\d+)</string>");

  @TempDir
  static Path work;

  private static ProxyProcess proxy;


  @BeforeAll
  static void startProxy() throws Exception {
    proxy = ProxyProcess.start(work);
  }

  @AfterAll
  static void stopProxy() throws InterruptedException {
    if (proxy != null) {
      proxy.close();
    }
  }

  private static Path nodeConfig(String name, String masterUrl, int partitions) throws IOException {
    Path root = Files.createDirectories(work.resolve(name));
    Path cfg = work.resolve(name + ".cfg");
    Files.writeString(cfg, "[slapos]\ncomputer_id = " + ProxyProcess.COMPUTER_ID + "\nmaster_url = " + masterUrl
        + "\ninstance_root = " + root.resolve("srv") + "\nsoftware_root = " + root.resolve("opt")
        + "\nroot_check = false\n\n[slapformat]\npartition_amount = " + partitions
        + "\npartition_base_name = slappart\nuser_base_name = slapuser\ntap_base_name = slaptap\n"
        + "interface_name = lo\nipv4_local_network = 10.0.0.0/16\ncomputer_xml = " + root.resolve("slapos.xml")
        + "\ncreate_tap = False\nalter_user = False\nalter_network = False\n");
    return cfg;
  }

  private static SlaposRun slapos(String... args) throws IOException, InterruptedException {
    return SlaposRun.of(work, args);
  }


  @Test
  void theProxyReceivesThePartitionsOfTheStateFileAndASecondRunChangesNothing() throws Exception {
    Path cfg = nodeConfig("node", proxy.url(), 3);
    SlaposRun format = slapos("node", "format", "--cfg", cfg.toString(), "--now");
    assertEquals(0, format.exitCode(), format.stderr());

    Path stateFile = work.resolve("node/slapos.xml");
    String state = Files.readString(stateFile);
    List<String> addresses = new ArrayList<>();
    for (Matcher m = IPV4.matcher(state.replaceAll(">\\s+<", "><")); m.find();) {
      addresses.add(m.group(1));
    }
    assertEquals(3, addresses.size(), state);
    for (int i = 0; i < 3; i++) {
      assertTrue(Files.isDirectory(work.resolve("node/srv/slappart" + i)), "slappart" + i);
    }

    List<String> received = new ArrayList<>();
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:file:" + proxy.database() + "?mode=ro");
        PreparedStatement query = db.prepareStatement("SELECT partition_reference, address FROM partition_network17"
            + " WHERE computer_reference = ? ORDER BY partition_reference")) {
      query.setString(1, ProxyProcess.COMPUTER_ID);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          received.add(rows.getString(1) + " " + rows.getString(2));
        }
      }
    }
    assertEquals(List.of("slappart0 " + addresses.get(0), "slappart1 " + addresses.get(1),
        "slappart2 " + addresses.get(2)), received);

    byte[] before = Files.readAllBytes(stateFile);
    SlaposRun again = slapos("node", "format", "--cfg", cfg.toString(), "--now");
    assertEquals(0, again.exitCode(), again.stderr());
    assertArrayEquals(before, Files.readAllBytes(stateFile));
    assertFalse(Files.exists(work.resolve("node/slapos.xml.zip")), "an unchanged state file is not backed up");
  }

  @Test
  void anUnreachableMasterIsExitTwoWithTheNodePrepared() throws Exception {
    Path cfg = nodeConfig("offline", "http://127.0.0.1:" + SlaposTestSupport.freePort() + "/", 2);
    SlaposRun format = slapos("node", "format", "--cfg", cfg.toString(), "--now");
    assertEquals(2, format.exitCode(), format.stderr());
    assertTrue(Files.isDirectory(work.resolve("offline/srv/slappart1")));
    assertTrue(format.stderr().lines().noneMatch(line -> line.startsWith("\tat ")), format.stderr());
  }

  @Test
  void aLoweredPartitionCountIsOneLineAndLeavesTheStateFile() throws Exception {
    Path cfg = nodeConfig("lowered", proxy.url(), 2);
    assertEquals(0, slapos("node", "format", "--cfg", cfg.toString(), "--now").exitCode());
    byte[] before = Files.readAllBytes(work.resolve("lowered/slapos.xml"));
    Path fewer = nodeConfig("lowered", proxy.url(), 1);
    SlaposRun format = slapos("node", "format", "--cfg", fewer.toString(), "--now");
    assertEquals(1, format.exitCode(), format.stderr());
    assertEquals(1, format.stderr().strip().lines().count(), format.stderr());
    assertArrayEquals(before, Files.readAllBytes(work.resolve("lowered/slapos.xml")));
  }
}
