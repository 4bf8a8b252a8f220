package org.slapos.format.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.format.api.FormatRequest;
import org.slapos.format.api.FormatResult;
import org.slapos.format.api.PartitionDTO;

/**
 * Privileged format for real, as root, inside a network namespace the test creates: users, groups,
 * directories, modes, addresses, ranges, taps and tuns against the configuration; idempotence;
 * dry-run. Skipped unless root with {@code ip netns}.
 */
@Tag("root")
class RootNamespaceFormatTest {
  static final int PARTITIONS = 3;

  @TempDir
  Path dir;
  NetworkNamespace ns;
  String hostAddressesBefore;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(NetworkNamespace.available(), "needs root and ip netns");
    hostAddressesBefore = new ExecSystemOperations(null, Duration.ofSeconds(10)).query(List.of("ip", "-o", "addr", "show")).output();
    ns = new NetworkNamespace();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (ns != null) {
      ns.close();
      assertEquals(List.of(), ns.entries("passwd"), "test users removed");
      assertEquals(List.of(), ns.entries("group"), "test groups removed");
      assertEquals(hostAddressesBefore,
          new ExecSystemOperations(null, Duration.ofSeconds(10)).query(List.of("ip", "-o", "addr", "show")).output(),
          "the host's addresses are untouched");
    }
  }

  Map<String, String> options() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("computer_id", "COMP-ROOT");
    o.put("master_url", "http://127.0.0.1:5001");
    o.put("instance_root", dir.resolve("inst").toString());
    o.put("software_root", dir.resolve("soft").toString());
    o.put("computer_xml", dir.resolve("slapos.xml").toString());
    o.put("partition_amount", String.valueOf(PARTITIONS));
    o.put("partition_base_name", "slappart");
    o.put("user_base_name", ns.prefix + "u");
    o.put("software_user", ns.prefix + "soft");
    o.put("tap_base_name", "slaptap");
    o.put("create_tun", "True");
    o.put("interface_name", "lo");
    o.put("ipv4_local_network", "10.77.0.0/16");
    return o;
  }

  FormatResult format(boolean dryRun) throws Exception {
    return format(options(), dryRun);
  }

  FormatResult format(Map<String, String> options, boolean dryRun) throws Exception {
    FormatEngine engine = new FormatEngine(ns::operations, EnvironmentInfo.ofThisMachine(), () -> true,
        Clock.systemDefaultZone(), new SecureRandom());
    return engine.format(new FormatRequest(options, dir, dryRun));
  }

  /**
   * What {@code useradd -r -U -s /bin/sh -d HOME} and {@code passwd -l} make: a system uid (below
   * {@code UID_MIN}), a primary group of the user's own name, home and shell, a locked password
   * without password aging (as shadow-utils writes it for system accounts).
   */
  void assertSystemAccount(String user, Path home) throws Exception {
    String[] passwd = ns.run(List.of("getent", "passwd", user)).strip().split(":", -1);
    assertEquals(home.toString(), passwd[5], user + " home");
    assertEquals("/bin/sh", passwd[6], user + " shell");
    int uid = Integer.parseInt(passwd[2]);
    assertTrue(uid > 0 && uid < uidMin(), user + " has a system uid: " + uid);
    String[] group = ns.run(List.of("getent", "group", passwd[3])).strip().split(":", -1);
    assertEquals(user, group[0], user + " primary group is its own");
    String[] shadow = ns.run(List.of("getent", "shadow", user)).strip().split(":", -1);
    assertTrue(shadow[1].startsWith("!"), user + " password locked: " + shadow[1]);
    assertEquals(List.of("", "", ""), List.of(shadow[3], shadow[4], shadow[5]), user + " has no password aging");
    assertEquals("L", ns.run(List.of("passwd", "-S", user)).split("\\s+")[1], user + " password locked");
  }

  /** {@code UID_MIN} of /etc/login.defs (1000 when unset), where non-system uids start. */
  static int uidMin() throws Exception {
    Path defs = Path.of("/etc/login.defs");
    if (Files.isReadable(defs)) {
      for (String line : Files.readAllLines(defs)) {
        String[] words = line.strip().split("\\s+");
        if (words.length >= 2 && words[0].equals("UID_MIN")) {
          return Integer.parseInt(words[1]);
        }
      }
    }
    return 1000;
  }

  @Test
  void dryRunThenFormatThenNothingToDo() throws Exception {
    String nsAddresses = ns.ip("-o", "addr", "show");
    FormatResult dry = format(true);
    assertTrue(dry.changes().contains("useradd -d " + dir.resolve("soft") + " -U -s /bin/sh -r " + ns.prefix + "soft"),
        dry.changes().toString());
    assertEquals(List.of(), ns.entries("passwd"), "dry-run creates no user");
    assertEquals(nsAddresses, ns.ip("-o", "addr", "show"), "dry-run adds no address");
    assertFalse(Files.exists(dir.resolve("inst")));
    assertFalse(Files.exists(dir.resolve("slapos.xml")));

    FormatResult result = format(false);
    assertTrue(result.stateFileWritten());
    String soft = ns.prefix + "soft";
    assertEquals(soft, Files.getOwner(dir.resolve("soft")).getName());
    assertEquals(0755, ExecSystemOperations.modeOf(dir.resolve("soft")));
    assertEquals(0755, ExecSystemOperations.modeOf(dir.resolve("inst")));
    String addresses = ns.ip("-o", "addr", "show");
    String localRoutes = ns.ip("-6", "route", "show", "table", "local");
    String routes = ns.ip("-6", "route", "show");
    assertSystemAccount(soft, dir.resolve("soft"));
    for (int i = 0; i < PARTITIONS; i++) {
      String user = ns.prefix + "u" + i;
      String[] passwd = ns.run(List.of("getent", "passwd", user)).strip().split(":");
      Path home = dir.resolve("inst/slappart" + i);
      assertSystemAccount(user, home);
      assertEquals(List.of(user, soft), List.of(ns.run(List.of("id", "-nG", user)).strip().split(" ")),
          user + ": own group first, then the software user's");
      assertEquals(user, Files.getOwner(home).getName());
      assertEquals(0750, ExecSystemOperations.modeOf(home));
      assertTrue(Files.exists(home.resolve(".slapos-resource")));

      PartitionDTO p = result.computer().partitions.get(i);
      assertTrue(addresses.contains("inet6 fd5a:1ab0:5eed::" + (i + 2) + "/64"), addresses);
      assertTrue(addresses.contains("inet " + p.addresses.get(0).addr + "/32"), addresses);
      assertTrue(localRoutes.contains("local fd5a:1ab0:5eed:0:400" + (i + 1) + "::/80 dev lo"), localRoutes);
      assertTrue(addresses.contains("slaptap" + i + "    inet6 " + p.tap.ipv6Addr + "/80"), addresses);
      String tapNetwork = IpMath.ipv6Network(p.tap.ipv6Gateway, 80); // ip prints the network, not ...::1/80
      assertTrue(routes.contains(tapNetwork + " via " + p.tap.ipv6Gateway + " dev slaptap" + i), routes);
      assertTrue(routes.contains(p.tap.ipv6Gateway + " dev slaptap" + i), routes);
      String tapDetails = ns.ip("-d", "link", "show", "slaptap" + i);
      assertTrue(tapDetails.contains("user " + user + " ") || tapDetails.contains("user " + passwd[2] + " "), tapDetails);
      assertTrue(addresses.contains("slaptun" + i + "    inet " + p.tun.ipv4Addr + "/"), addresses);
      assertTrue(addresses.contains("slaptun" + i + "    inet6 " + p.tun.ipv6Addr + "/80"), addresses);
    }
    assertEquals("1", ns.run(List.of("ip", "netns", "exec", ns.name, "sysctl", "-n", "net.ipv6.ip_nonlocal_bind")).strip());

    FormatResult again = format(false);
    assertEquals(List.of(), again.changes());
    assertFalse(again.stateFileWritten());
    assertEquals(result.payload(), again.payload());
  }

  /**
   * Real duplicate address detection: on a veth pair (which, unlike lo, runs it) the batch's IPv6
   * addresses are waited for together, and the one the peer already has fails detection, is removed
   * and replaced by a random one of the same network.
   */
  @Test
  void duplicateFoundByTheKernelIsReplaced() throws Exception {
    // the peer lives in a second namespace: format must not see its address, only the kernel's
    // duplicate address detection finds it
    String peer = ns.name + "p";
    ns.run(List.of("ip", "netns", "add", peer));
    try {
      ns.run(List.of("ip", "link", "add", "fmtv0", "netns", ns.name, "type", "veth", "peer", "name", "fmtv1",
          "netns", peer));
      ns.ip("addr", "add", "fd5a:1ab0:5eee::1/64", "dev", "fmtv0", "nodad");
      ns.run(List.of("ip", "-n", peer, "addr", "add", "fd5a:1ab0:5eee::3/64", "dev", "fmtv1", "nodad"));
      ns.ip("link", "set", "fmtv0", "up");
      ns.run(List.of("ip", "-n", peer, "link", "set", "fmtv1", "up"));
      // until both ends have finished their own link-local detection, the peer does not answer
      // for its address yet and the duplicate would go unnoticed
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (ns.ip("-6", "addr", "show", "dev", "fmtv0").contains("tentative")
          || ns.run(List.of("ip", "-n", peer, "-6", "addr", "show", "dev", "fmtv1")).contains("tentative")
          || !ns.ip("-6", "addr", "show", "dev", "fmtv0").contains("scope link")) {
        assertTrue(System.nanoTime() - deadline < 0, "the veth pair is ready for duplicate address detection");
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
      Map<String, String> o = options();
      o.put("interface_name", "fmtv0");
      o.put("create_tap", "False");
      o.put("create_tun", "False");
      o.put("partition_has_ipv6_range", "False");
      o.put("address_ready_timeout", "20");
      FormatResult result = format(o, false);
      String fmtv0 = ns.ip("-o", "-6", "addr", "show", "dev", "fmtv0");
      assertEquals("fd5a:1ab0:5eee::2", result.computer().partitions.get(0).addresses.get(1).addr);
      String replaced = result.computer().partitions.get(1).addresses.get(1).addr;
      assertFalse(replaced.equals("fd5a:1ab0:5eee::3"), replaced);
      assertTrue(replaced.startsWith("fd5a:1ab0:5eee::"), replaced);
      assertEquals("fd5a:1ab0:5eee::4", result.computer().partitions.get(2).addresses.get(1).addr);
      for (var p : result.computer().partitions) {
        assertTrue(fmtv0.contains("inet6 " + p.addresses.get(1).addr + "/64 scope global"), fmtv0);
      }
      assertFalse(fmtv0.contains("fd5a:1ab0:5eee::3/"), "the duplicate is removed: " + fmtv0);
      assertFalse(fmtv0.contains("tentative"), "format waited for detection to end: " + fmtv0);
    } finally {
      ns.run(List.of("ip", "netns", "del", peer));
    }
  }
}
