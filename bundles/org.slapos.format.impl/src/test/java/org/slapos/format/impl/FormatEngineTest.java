package org.slapos.format.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.format.api.AddressDTO;
import org.slapos.format.api.FormatException;
import org.slapos.format.api.FormatRequest;
import org.slapos.format.api.FormatResult;
import org.slapos.format.api.PartitionDTO;
import org.slapos.slap.marshal.Marshal;

/** Privileged format on {@link FakeSystem}: the original's steps, checked without root. */
class FormatEngineTest {
  static final EnvironmentInfo ENV = new EnvironmentInfo("[\"Linux\", \"debian\", \"12\", \"Debian GNU/Linux\"]",
      "17", "1.24.0", null);
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T10:42:00Z"), ZoneOffset.UTC);

  @TempDir
  Path dir;
  FakeSystem system;
  Map<String, String> options;

  @BeforeEach
  void setUp() {
    system = new FakeSystem();
    system.addresses.add(new FakeSystem.Addr("lo", "fd5a:1ab0:5eed::1", 64));
    options = new LinkedHashMap<>();
    options.put("computer_id", "COMP-1");
    options.put("master_url", "http://127.0.0.1:5001");
    options.put("instance_root", dir.resolve("inst").toString());
    options.put("software_root", dir.resolve("soft").toString());
    options.put("computer_xml", dir.resolve("slapos.xml").toString());
    options.put("partition_amount", "3");
    options.put("partition_base_name", "slappart");
    options.put("user_base_name", "slapuser");
    options.put("tap_base_name", "slaptap");
    options.put("interface_name", "lo");
    options.put("ipv4_local_network", "127.0.1.0/24");
  }

  FormatResult format(boolean dryRun) throws FormatException {
    FormatEngine engine = new FormatEngine(() -> system, ENV, () -> true, CLOCK, new Random(7));
    return engine.format(new FormatRequest(options, dir, dryRun));
  }

  @Test
  void privilegedFormatCreatesUsersAddressesTapsAndDirectories() throws Exception {
    FormatResult result = format(false);
    assertTrue(result.stateFileWritten());

    assertTrue(system.users.containsKey("slapsoft"));
    for (int i = 0; i < 3; i++) {
      String user = "slapuser" + i;
      assertEquals(dir.resolve("inst/slappart" + i).toString(), system.users.get(user)[2], "home of " + user);
      assertEquals("/bin/sh", system.users.get(user)[3]);
      assertTrue(system.members.get("slapsoft").contains(user), user + " in slapsoft");
      assertTrue(system.shadow.get(user).startsWith("!"), "password of " + user + " locked");
      Path partition = dir.resolve("inst/slappart" + i);
      assertEquals(0750, ExecSystemOperations.modeOf(partition));
      assertEquals(List.of(user, user), system.owners.get(partition));

      PartitionDTO p = result.computer().partitions.get(i);
      assertEquals("fd5a:1ab0:5eed::" + (i + 2), p.addresses.get(1).addr);
      assertEquals("ffff:ffff:ffff:ffff::", p.addresses.get(1).netmask);
      assertTrue(system.addressesOf("lo").contains("fd5a:1ab0:5eed::" + (i + 2) + "/64"));
      AddressDTO v4 = p.addresses.get(0);
      assertEquals("255.255.255.255", v4.netmask);
      assertTrue(v4.addr.startsWith("127.0.1."), v4.addr);
      assertTrue(system.addressesOf("lo").contains(v4.addr + "/32"));
      assertEquals("fd5a:1ab0:5eed:0:400" + (i + 1) + "::/80", p.ipv6Range.network);
      assertTrue(system.localRoutes.stream().anyMatch(r -> r.startsWith("local " + p.ipv6Range.network + " dev lo")));

      assertTrue(system.links.containsKey("slaptap" + i));
      assertEquals("fd5a:1ab0:5eed:0:800" + (i + 1) + ":ffff:ffff:ffff", p.tap.ipv6Addr);
      assertEquals("fd5a:1ab0:5eed:0:800" + (i + 1) + "::1", p.tap.ipv6Gateway);
      assertEquals("fd5a:1ab0:5eed:0:800" + (i + 1) + "::1/80", p.tap.ipv6Network);
      assertTrue(system.addressesOf("slaptap" + i).contains(p.tap.ipv6Addr + "/80"));
      assertTrue(system.commands.contains("ip tuntap add dev slaptap" + i + " mode tap user " + user));
      assertTrue(system.commands.contains("ip -6 route add " + p.tap.ipv6Network + " dev slaptap" + i + " via " + p.tap.ipv6Gateway));
      assertEquals("", p.tap.ipv4Addr);
    }
    assertEquals("1", system.nonlocalBind);
    assertEquals(0755, ExecSystemOperations.modeOf(dir.resolve("inst")));
    assertEquals(0755, ExecSystemOperations.modeOf(dir.resolve("soft")));
    assertEquals(List.of("slapsoft", "slapsoft"), system.owners.get(dir.resolve("soft")));
    assertEquals("fd5a:1ab0:5eed::1", result.computer().address);

    byte[] state = Files.readAllBytes(dir.resolve("slapos.xml"));
    assertArrayEquals(PrettyXml.prettify(result.payload()), state);
    String resource = Files.readString(dir.resolve("inst/slappart0/.slapos-resource"));
    assertTrue(resource.startsWith("{\n    \"address_list\": ["), resource);
    assertEquals(0644, ExecSystemOperations.modeOf(dir.resolve("inst/slappart0/.slapos-resource")));
  }

  @Test
  void secondRunChangesNothing() throws Exception {
    FormatResult first = format(false);
    assertFalse(first.changes().isEmpty());
    long modified = Files.getLastModifiedTime(dir.resolve("slapos.xml")).toMillis();
    system.commands.clear();
    FormatResult second = format(false);
    assertEquals(List.of(), second.changes());
    assertEquals(List.of(), system.commands);
    assertFalse(second.stateFileWritten());
    assertEquals(first.payload(), second.payload());
    assertEquals(modified, Files.getLastModifiedTime(dir.resolve("slapos.xml")).toMillis());
    assertFalse(Files.exists(dir.resolve("slapos.xml.zip")));
  }

  @Test
  void dryRunListsChangesAndMakesNone() throws Exception {
    FormatResult result = format(true);
    assertTrue(result.changes().contains("useradd -d " + dir.resolve("inst/slappart0") + " -U -s /bin/sh -r -G slapsoft slapuser0"),
        result.changes().toString());
    assertTrue(result.changes().contains("passwd -l slapuser0"), result.changes().toString());
    assertTrue(result.changes().stream().anyMatch(c -> c.startsWith("ip tuntap add dev slaptap2")));
    assertEquals(List.of(), system.commands);
    assertFalse(Files.exists(dir.resolve("inst")));
    assertFalse(Files.exists(dir.resolve("slapos.xml")));
    assertFalse(result.stateFileWritten());
  }

  @Test
  void missingIpv6IsAClearErrorInPrivilegedMode() {
    system.addresses.removeIf(a -> a.addr.startsWith("fd5a"));
    FormatException e = assertThrows(FormatException.class, () -> format(false));
    assertEquals(FormatException.Code.NETWORK, e.code());
    assertEquals("No IPv6 found on interface lo to construct IPv6 with.", e.getMessage());
  }

  @Test
  void unknownInterfaceIsAClearError() {
    options.put("interface_name", "nosuch0");
    FormatException e = assertThrows(FormatException.class, () -> format(false));
    assertEquals("Interface nosuch0 does not exist", e.getMessage());
  }

  @Test
  void tentativeAddressIsAwaitedWithoutFixedSleep() throws Exception {
    system.links.put("eth0", "BROADCAST,MULTICAST,UP,LOWER_UP");
    system.addresses.add(new FakeSystem.Addr("eth0", "2001:db8:1:2::1", 64));
    options.put("interface_name", "eth0");
    options.put("create_tap", "False");
    system.tentativeOnAdd.put("2001:db8:1:2::2", 3);
    long start = System.nanoTime();
    FormatResult result = format(false);
    assertTrue(System.nanoTime() - start < 5_000_000_000L);
    assertEquals("2001:db8:1:2::2", result.computer().partitions.get(0).addresses.get(1).addr);
    long looks = system.queries.stream().filter(q -> q.equals("ip -o -6 addr show dev eth0")).count();
    assertTrue(looks >= 4, "polled until usable: " + looks);
  }

  @Test
  void duplicateAddressIsRemovedAndReplaced() throws Exception {
    system.links.put("eth0", "BROADCAST,MULTICAST,UP,LOWER_UP");
    system.addresses.add(new FakeSystem.Addr("eth0", "2001:db8:1:2::1", 64));
    options.put("interface_name", "eth0");
    options.put("create_tap", "False");
    system.duplicates.add("2001:db8:1:2::2");
    FormatResult result = format(false);
    String chosen = result.computer().partitions.get(0).addresses.get(1).addr;
    assertNotEquals("2001:db8:1:2::2", chosen);
    assertTrue(chosen.startsWith("2001:db8:1:2::"), chosen);
    assertTrue(system.commands.contains("ip addr del 2001:db8:1:2::2/64 dev eth0"));
  }

  @Test
  void loweringThePartitionCountFailsAndKeepsTheStateFile() throws Exception {
    format(false);
    byte[] before = Files.readAllBytes(dir.resolve("slapos.xml"));
    options.put("partition_amount", "2");
    FormatException e = assertThrows(FormatException.class, () -> format(false));
    assertEquals("Requested amount of computer partitions (2) is lower than already configured (3), cannot continue",
        e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("slapos.xml")));
  }

  @Test
  void unwritableRootFailsAndKeepsTheStateFile() throws Exception {
    format(false);
    byte[] before = Files.readAllBytes(dir.resolve("slapos.xml"));
    Files.writeString(dir.resolve("blocker"), "a file where a directory should be");
    options.put("partition_amount", "4");
    options.put("computer_xml", dir.resolve("slapos.xml").toString());
    // the stored roots win over the configuration, so break the stored one: a file is in the way
    Files.delete(dir.resolve("inst/slappart2/.slapos-resource"));
    Files.delete(dir.resolve("inst/slappart2"));
    Files.writeString(dir.resolve("inst/slappart3"), "not a directory");
    FormatException e = assertThrows(FormatException.class, () -> format(false));
    assertEquals(FormatException.Code.FILESYSTEM, e.code());
    assertEquals("Cannot create directory " + dir.resolve("inst/slappart3") + ": a file is in the way", e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("slapos.xml")));
  }

  @Test
  void uncreatableRootIsOneClearLine() throws Exception {
    Files.writeString(dir.resolve("blocker"), "a file where a directory should be");
    options.put("instance_root", dir.resolve("blocker/inst").toString());
    FormatException e = assertThrows(FormatException.class, () -> format(false));
    assertEquals(FormatException.Code.FILESYSTEM, e.code());
    assertTrue(e.getMessage().startsWith("Cannot create directory " + dir.resolve("blocker/inst") + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertFalse(Files.exists(dir.resolve("slapos.xml")));
  }

  @Test
  void changedStateIsBackedUpInTheZip() throws Exception {
    format(false);
    byte[] before = Files.readAllBytes(dir.resolve("slapos.xml"));
    options.put("partition_amount", "4");
    FormatResult result = format(false);
    assertTrue(result.stateFileWritten());
    assertEquals(4, result.computer().partitions.size());
    try (ZipFile zip = new ZipFile(dir.resolve("slapos.xml.zip").toFile())) {
      var entry = zip.getEntry("slapos.xml.20261205-10:42");
      assertArrayEquals(before, zip.getInputStream(entry).readAllBytes());
    }
    // the first three partitions kept their addresses
    Object stored = Marshal.loads(Files.readAllBytes(dir.resolve("slapos.xml")));
    assertTrue(stored.toString().contains("fd5a:1ab0:5eed::5"));
  }

  @Test
  void jsonCopyAndDefinitionFiles() throws Exception {
    options.put("computer_json", "slapos.json");
    options.put("output_definition_file", "out.cfg");
    format(false);
    String json = Files.readString(dir.resolve("slapos.json"));
    assertTrue(json.startsWith("{\n  \"address\": \"fd5a:1ab0:5eed::1\",\n"), json);
    // -o is written before the system is touched: from the first run's model (no addresses yet)
    String out = Files.readString(dir.resolve("out.cfg"));
    assertTrue(out.startsWith("[computer]\naddress = fd5a:1ab0:5eed::1/ffff:ffff:ffff:ffff::\n\n[partition_0]\naddress = \n"), out);
    format(false);
    out = Files.readString(dir.resolve("out.cfg"));
    assertTrue(out.contains("ipv6_range = fd5a:1ab0:5eed:0:4001::/80\nuser = slapuser0\nnetwork_interface = slaptap0\n"
        + "pathname = slappart0\n"), out);

    // the written definition, read back with -i and no network changes, gives the same partitions
    FakeSystem clean = new FakeSystem();
    Map<String, String> replay = new LinkedHashMap<>(options);
    replay.put("input_definition_file", "out.cfg");
    replay.put("computer_xml", dir.resolve("other.xml").toString());
    replay.put("instance_root", dir.resolve("inst2").toString());
    replay.put("alter_network", "False");
    replay.put("alter_user", "False");
    replay.remove("computer_json");
    replay.remove("output_definition_file");
    FormatResult fromDefinition = new FormatEngine(() -> clean, ENV, () -> true, CLOCK, new Random(1))
        .format(new FormatRequest(replay, dir, false));
    List<String> addresses = new ArrayList<>();
    for (PartitionDTO p : fromDefinition.computer().partitions) {
      p.addresses.forEach(a -> addresses.add(a.addr));
    }
    assertTrue(addresses.contains("fd5a:1ab0:5eed::2"), addresses.toString());
    assertNull(fromDefinition.computer().networkInterface);
    assertEquals(List.of(), clean.commands.stream().filter(c -> !c.startsWith("mkdir") && !c.startsWith("chmod")).toList());
  }

  @Test
  void notRootIsRefusedUnlessRootCheckIsOff() throws Exception {
    FormatEngine engine = new FormatEngine(() -> system, ENV, () -> false, CLOCK, new Random(7));
    FormatException e = assertThrows(FormatException.class, () -> engine.format(new FormatRequest(options, dir, false)));
    assertEquals(FormatException.Code.NOT_ROOT, e.code());
    assertEquals("This slapos command must be run as root.", e.getMessage());
    options.put("root_check", "false");
    assertEquals(3, engine.format(new FormatRequest(options, dir, false)).computer().partitions.size());
  }

  @Test
  void afterARebootTheStoredAddressesAreAddedAgain() throws Exception {
    FormatResult first = format(false);
    String v4 = first.computer().partitions.get(1).addresses.get(0).addr;
    system.addresses.removeIf(a -> a.addr.equals("fd5a:1ab0:5eed::3") || a.addr.equals(v4));
    system.localRoutes.clear();
    FormatResult second = format(false);
    assertEquals(List.of(
        "ip -6 route add local fd5a:1ab0:5eed:0:4001::/80 dev lo",
        "ip -6 route add local fd5a:1ab0:5eed:0:4002::/80 dev lo",
        "ip -6 route add local fd5a:1ab0:5eed:0:4003::/80 dev lo",
        "ip addr add " + v4 + "/32 dev lo",
        "ip addr add fd5a:1ab0:5eed::3/64 dev lo"), second.changes().stream().sorted().toList());
    assertEquals(first.payload(), second.payload());
    assertFalse(second.stateFileWritten());
  }

  @Test
  void tapsGetIpv4FromTheGatewayInterface() throws Exception {
    system.links.put("br0", "BROADCAST,MULTICAST,UP,LOWER_UP");
    system.addresses.add(new FakeSystem.Addr("br0", "192.168.7.1", 29));
    options.put("tap_gateway_interface", "br0");
    FormatResult result = format(false);
    for (int i = 0; i < 3; i++) {
      PartitionDTO p = result.computer().partitions.get(i);
      assertEquals("192.168.7." + (i + 2), p.tap.ipv4Addr);
      assertEquals("255.255.255.248", p.tap.ipv4Netmask);
      assertEquals("192.168.7.1", p.tap.ipv4Gateway);
      assertEquals("192.168.7.0", p.tap.ipv4Network);
      assertTrue(system.commands.contains("ip route add 192.168.7." + (i + 2) + " dev slaptap" + i));
    }
    options.put("partition_amount", "7");
    FormatException e = assertThrows(FormatException.class, () -> format(false));
    assertEquals("Could not create 7 tap interfaces from address 192.168.7.1.", e.getMessage());
  }

  @Test
  void addressesRefusedInTheBatchAreReplacedAndTheOthersKept() throws Exception {
    String tapAddress = IpMath.range(IpMath.RangeKind.TAP, "fd5a:1ab0:5eed::1", 64, 1, 16).addr();
    system.refused.add("ip addr add fd5a:1ab0:5eed::3/64 dev lo");
    system.refused.add("ip addr add " + tapAddress + "/80 dev slaptap1");
    FormatResult result = format(false);
    PartitionDTO p1 = result.computer().partitions.get(1);
    String v6 = p1.addresses.get(1).addr;
    assertNotEquals("fd5a:1ab0:5eed::3", v6);
    assertTrue(v6.startsWith("fd5a:1ab0:5eed::"), v6);
    assertTrue(system.addressesOf("lo").contains(v6 + "/64"), system.addressesOf("lo").toString());
    assertNotEquals(tapAddress, p1.tap.ipv6Addr);
    assertTrue(system.addressesOf("slaptap1").contains(p1.tap.ipv6Addr + "/80"), system.addressesOf("slaptap1").toString());
    // routes follow the replacement, not the refused address
    assertTrue(system.routes6.stream().anyMatch(r -> r.startsWith(p1.tap.ipv6Gateway + " dev slaptap1")), system.routes6.toString());
    String refusedGateway = IpMath.firstAddress(tapAddress, 80);
    assertTrue(system.routes6.stream().noneMatch(r -> r.contains(refusedGateway)), system.routes6.toString());
    assertEquals("fd5a:1ab0:5eed::2", result.computer().partitions.get(0).addresses.get(1).addr);
    assertEquals("fd5a:1ab0:5eed::4", result.computer().partitions.get(2).addresses.get(1).addr);
    // the refused ones were tried once each in the batch, never again
    assertEquals(1, system.commands.stream().filter(c -> c.equals("ip addr add fd5a:1ab0:5eed::3/64 dev lo")).count());
  }

  @Test
  void aRefusedAddressIsAnErrorWhenThePrefixshiftAllowsNoRandomFallback() {
    options.put("ipv6_prefixshift", "8");
    system.refused.add("ip addr add fd5a:1ab0:5eed::3/64 dev lo");
    FormatException e = assertThrows(FormatException.class, () -> format(false));
    assertEquals("Address fd5a:1ab0:5eed::3/64 for partition 1 is already taken; aborting because IPv6 prefixshift is 8 != 16",
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("slapos.xml")));
  }

  @Test
  void refusedTapCreationIsOneClearLineAndNoStateFile() {
    system.refused.add("ip tuntap add dev slaptap1");
    FormatException e = assertThrows(FormatException.class, () -> format(false));
    assertEquals(FormatException.Code.SYSTEM_COMMAND, e.code());
    assertEquals("ip -batch failed: ip tuntap add dev slaptap1 mode tap user slapuser1: "
        + "RTNETLINK answers: Operation not permitted", e.getMessage());
    assertFalse(Files.exists(dir.resolve("slapos.xml")));
  }

  static String read(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }
}
