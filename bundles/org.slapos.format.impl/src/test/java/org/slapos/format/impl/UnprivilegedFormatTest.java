package org.slapos.format.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.format.api.AddressDTO;
import org.slapos.format.api.FormatRequest;
import org.slapos.format.api.FormatResult;
import org.slapos.format.api.PartitionDTO;

/**
 * Unprivileged mode on the real machine, as whatever user runs the build: no users, no network
 * change, addresses from the configuration, directories and state files only.
 */
class UnprivilegedFormatTest {
  @TempDir
  Path dir;

  static Map<String, String> options(Path dir, int amount) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("computer_id", "COMP-UNPRIV");
    o.put("master_url", "http://127.0.0.1:5001");
    o.put("instance_root", dir.resolve("inst").toString());
    o.put("software_root", dir.resolve("soft").toString());
    o.put("computer_xml", dir.resolve("slapos.xml").toString());
    o.put("partition_amount", String.valueOf(amount));
    o.put("partition_base_name", "slappart");
    o.put("user_base_name", "slapuser");
    o.put("tap_base_name", "slaptap");
    o.put("interface_name", "lo");
    o.put("ipv4_local_network", "10.77.0.0/16");
    o.put("alter_user", "False");
    o.put("alter_network", "False");
    o.put("root_check", "False");
    return o;
  }

  static String hostAddresses() throws Exception {
    return new ExecSystemOperations(null, Duration.ofSeconds(10)).query(List.of("ip", "-o", "addr", "show")).output();
  }

  @Test
  void formatsDirectoriesAndStateWithoutTouchingTheSystem() throws Exception {
    String before = hostAddresses();
    PartitionFormatterComponent formatter = new PartitionFormatterComponent();
    FormatResult result = formatter.format(new FormatRequest(options(dir, 5), dir, false));
    for (String change : result.changes()) {
      assertTrue(change.startsWith("mkdir ") || change.startsWith("chmod "), change);
    }
    assertEquals(before, hostAddresses());
    String me = Files.getOwner(dir).getName();
    for (int i = 0; i < 5; i++) {
      PartitionDTO p = result.computer().partitions.get(i);
      Path path = dir.resolve("inst/slappart" + i);
      assertEquals(0750, ExecSystemOperations.modeOf(path));
      assertEquals(me, Files.getOwner(path).getName());
      AddressDTO v4 = p.addresses.get(0);
      assertTrue(IpMath.parseIpv4Network("10.77.0.0/16").contains(IpMath.parseIpv4(v4.addr)), v4.addr);
      assertEquals("255.255.255.255", v4.netmask);
      assertTrue(Files.exists(path.resolve(".slapos-resource")));
    }
    assertEquals(5, result.computer().partitions.stream().map(p -> p.addresses.get(0).addr).distinct().count());
    assertTrue(result.stateFileWritten());

    FormatResult again = formatter.format(new FormatRequest(options(dir, 5), dir, false));
    assertEquals(List.of(), again.changes());
    assertFalse(again.stateFileWritten());
    assertEquals(result.payload(), again.payload());
  }
}
