package org.slapos.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.config.SlaposConfig;

class StandaloneLayoutTest {
  @TempDir
  Path temporary;

  @Test
  void createsTheLayoutAndOneConfigurationForEverything() throws Exception {
    Path data = temporary.resolve("node");
    StandaloneLayout layout = StandaloneLayout.prepare(data,
        new StandaloneLayout.Settings("127.0.0.1", 18123, 3, null, null));
    String me = Files.getOwner(data.resolve("etc")).getName();
    assertEquals(me, layout.user());
    for (String tree : List.of("soft", "inst", "shared")) {
      assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(tree))), tree);
    }
    for (String directory : List.of("etc", "var/log", "var/run", "deploy")) {
      assertTrue(Files.isDirectory(data.resolve(directory)), directory);
    }
    SlaposConfig cfg = SlaposConfig.parse(layout.configurationFile());
    assertEquals(data.resolve("etc/slapos.cfg"), layout.configurationFile());
    assertEquals(data.resolve("soft").toString(), cfg.require("slapos", "software_root"));
    assertEquals(data.resolve("inst").toString(), cfg.require("slapos", "instance_root"));
    assertEquals(List.of(data.resolve("shared").toString()), cfg.getList("slapos", "shared_part_list"));
    assertEquals("http://127.0.0.1:18123", cfg.require("slapos", "master_url"));
    assertEquals("http://127.0.0.1:18123/hateoas", cfg.require("slapos", "master_rest_url"));
    assertEquals("local", cfg.require("slapos", "computer_id"));
    assertEquals(Optional.of(false), cfg.getStrictBoolean("slapos", "root_check"));
    assertEquals(data.resolve("var/run/slapos-node-software.pid").toString(), cfg.require("slapos", "pidfile_software"));
    assertEquals(data.resolve("var/run/slapos-node-instance.pid").toString(), cfg.require("slapos", "pidfile_instance"));
    assertEquals(data.resolve("var/run/slapos-node-report.pid").toString(), cfg.require("slapos", "pidfile_report"));
    assertFalse(cfg.hasOption("slapos", "buildout"));
    assertEquals(data.resolve("etc/slapformat-definition.cfg").toString(), cfg.require("slapformat", "input_definition_file"));
    assertEquals("3", cfg.require("slapformat", "partition_amount"));
    for (String key : List.of("alter_user", "alter_network", "create_tap", "create_tun")) {
      assertEquals("false", cfg.require("slapformat", key), key);
    }
    assertEquals(data.resolve("etc/slapos.xml").toString(), cfg.require("slapformat", "computer_xml"));
    assertEquals("127.0.0.1", cfg.require("slapproxy", "host"));
    assertEquals("18123", cfg.require("slapproxy", "port"));
    assertEquals(data.resolve("var/proxy.db").toString(), cfg.require("slapproxy", "database_uri"));
    assertEquals(Optional.of(false), cfg.getStrictBoolean("daemon", "boot"));
    assertEquals("2", cfg.require("daemon", "software_interval"));
    assertEquals("2", cfg.require("daemon", "instance_interval"));
    assertEquals("10", cfg.require("daemon", "report_interval"));
    assertEquals("0", cfg.require("daemon", "collect_interval"));
    assertEquals(data.resolve("var/log").toString(), cfg.require("daemon", "log_directory"));
    assertEquals(data.resolve("deploy").toString(), cfg.require("daemon", "deploy_directory"));
    assertFalse(cfg.hasOption("daemon", "ssh_authorized_keys"));
    assertFalse(cfg.hasOption("daemon", "ssh_host_key"));

    SlaposConfig definition = SlaposConfig.parse(layout.definitionFile());
    assertEquals("127.0.0.1/255.255.255.255", definition.require("computer", "address"));
    for (int i = 0; i < 3; i++) {
      String section = "partition_" + i;
      assertEquals("127.0.0.1/255.255.255.255 ::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
          definition.require(section, "address"));
      assertEquals("slappart" + i, definition.require(section, "pathname"));
      assertEquals(me, definition.require(section, "user"));
      assertEquals("", definition.require(section, "network_interface"));
    }
    assertFalse(definition.hasSection("partition_3"));
  }

  @Test
  void preparingAgainKeepsWhatIsThereUnlessChanged() throws Exception {
    Path data = temporary.resolve("node");
    StandaloneLayout.prepare(data, new StandaloneLayout.Settings("127.0.0.1", 18124, 2, "COMP-7", "/opt/bin/buildout"));
    Files.writeString(data.resolve("var/proxy.db"), "kept");
    StandaloneLayout again = StandaloneLayout.prepare(data, StandaloneLayout.Settings.keep());
    assertEquals(18124, again.port());
    assertEquals(2, again.partitionCount());
    assertEquals("COMP-7", again.computerId());
    assertEquals("kept", Files.readString(data.resolve("var/proxy.db")));
    SlaposConfig cfg = SlaposConfig.parse(again.configurationFile());
    assertEquals("/opt/bin/buildout", cfg.require("slapos", "buildout"));
    assertEquals("COMP-7", cfg.require("slapos", "computer_id"));

    StandaloneLayout changed = StandaloneLayout.prepare(data, new StandaloneLayout.Settings(null, 18125, 4, null, null));
    assertEquals("COMP-7", changed.computerId());
    cfg = SlaposConfig.parse(changed.configurationFile());
    assertEquals("http://127.0.0.1:18125", cfg.require("slapos", "master_url"));
    assertEquals("18125", cfg.require("slapproxy", "port"));
    assertEquals("4", cfg.require("slapformat", "partition_amount"));
    assertTrue(SlaposConfig.parse(changed.definitionFile()).hasSection("partition_3"));
    try (var left = Files.list(data.resolve("etc"))) {
      assertEquals(2, left.count(), "no temporary file is left in etc/");
    }
  }

  @Test
  void defaultsForANewDirectory() throws Exception {
    StandaloneLayout layout = StandaloneLayout.prepare(temporary.resolve("d"), StandaloneLayout.Settings.keep());
    assertEquals(StandaloneLayout.DEFAULT_HOST, layout.host());
    assertEquals(StandaloneLayout.DEFAULT_PORT, layout.port());
    assertEquals(StandaloneLayout.DEFAULT_PARTITION_COUNT, layout.partitionCount());
    assertEquals("local", layout.computerId());
    assertEquals("http://127.0.0.1:8080", layout.masterUrl());
  }

  @Test
  void refusesADataDirectoryTooDeepForItsSockets() throws Exception {
    Path deep = temporary.resolve("d".repeat(Math.max(1, 100 - temporary.toString().length())));
    LayoutException e = assertThrows(LayoutException.class,
        () -> StandaloneLayout.prepare(deep, StandaloneLayout.Settings.keep()));
    assertTrue(e.getMessage().contains("too deep"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertFalse(Files.exists(deep), "nothing is created");
  }

  @Test
  void refusesBadSettingsWithOneLine() {
    for (StandaloneLayout.Settings bad : List.of(new StandaloneLayout.Settings("localhost", null, null, null, null),
        new StandaloneLayout.Settings(null, 70000, null, null, null),
        new StandaloneLayout.Settings(null, null, -1, null, null),
        new StandaloneLayout.Settings(null, null, null, "a b", null))) {
      LayoutException e = assertThrows(LayoutException.class, () -> StandaloneLayout.prepare(temporary.resolve("x"), bad));
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void ipv6HostIsBracketedInUrls() throws Exception {
    StandaloneLayout layout = StandaloneLayout.prepare(temporary.resolve("v6"),
        new StandaloneLayout.Settings("::1", 18126, 1, null, null));
    assertEquals("http://[::1]:18126", layout.masterUrl());
    assertEquals("::1", SlaposConfig.parse(layout.configurationFile()).require("slapproxy", "host"));
  }
}
