package org.slapos.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slapos.client.shell.ClientConfiguration;
import org.slapos.command.api.CommandFailure;
import org.slapos.command.api.testing.TestContext;
import org.slapos.config.SlaposConfig;

class ConfigureLocalCommandTest {
  @TempDir
  Path home;

  private TestContext context() {
    return new TestContext(home);
  }

  private List<String> explicitDirectories(String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--slapos-instance-root", home.resolve("srv/slapgrid").toString(),
        "--slapos-software-root", home.resolve("opt/slapgrid").toString(),
        "--slapos-buildout-directory", home.resolve("opt/slapos").toString(),
        "--slapos-configuration-directory", home.resolve("etc/opt/slapos").toString()));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void privilegedNodeAsTheOriginalWritesIt() throws Exception {
    TestContext context = context();
    int code = new ConfigureLocalCommand(() -> true).run(context, explicitDirectories(
        "--interface-name", "eth0", "--partition-number", "3", "--ipv4-local-network", "10.1.0.0/16",
        "--daemon-listen-ip", "127.0.0.2", "--daemon-listen-port", "18080"));
    assertEquals(0, code, context.stderr());
    Path cfg = home.resolve("etc/opt/slapos/slapos.cfg");
    SlaposConfig node = SlaposConfig.parse(cfg);
    assertEquals("local_computer", node.require("slapos", "computer_id"));
    assertEquals("http://127.0.0.2:18080", node.require("slapos", "master_url"));
    assertEquals(home.resolve("srv/slapgrid").toString(), node.require("slapos", "instance_root"));
    assertEquals(home.resolve("opt/slapgrid").toString(), node.require("slapos", "software_root"));
    assertEquals(home.resolve("opt/slapos/slapgrid-cp.pid").toString(), node.require("slapos", "pidfile_instance"));
    assertFalse(node.hasOption("slapos", "root_check"), "a privileged node keeps the root check");
    for (String absent : List.of("key_file", "cert_file", "certificate_repository_path")) {
      assertFalse(node.hasOption("slapos", absent), absent);
    }
    assertEquals("eth0", node.require("slapformat", "interface_name"));
    assertEquals("10.1.0.0/16", node.require("slapformat", "ipv4_local_network"));
    assertEquals("3", node.require("slapformat", "partition_amount"));
    assertEquals(home.resolve("opt/slapos/slapos.xml").toString(), node.require("slapformat", "computer_xml"));
    assertEquals(home.resolve("opt/slapos/log/slapos-node-format.log").toString(), node.require("slapformat", "log_file"));
    assertFalse(node.hasOption("slapformat", "alter_user"));
    assertFalse(node.hasOption("slapformat", "alter_network"));
    assertEquals("127.0.0.2", node.require("slapproxy", "host"));
    assertEquals("18080", node.require("slapproxy", "port"));
    assertEquals(home.resolve("opt/slapos/slapproxy.db").toString(), node.require("slapproxy", "database_uri"));
    assertEquals("false", node.require("slapproxy", "networkcache"));
    assertTrue(node.options("networkcache").isEmpty(), "no cache URL without --enable-shacache-proxy");
    assertEquals(Optional.of(true), node.getStrictBoolean("daemon", "boot"));
    assertEquals("60", node.require("daemon", "software_interval"));
    assertEquals("60", node.require("daemon", "instance_interval"));
    assertEquals("3600", node.require("daemon", "report_interval"));
    assertEquals("60", node.require("daemon", "collect_interval"));
    assertEquals(home.resolve("opt/slapos/log").toString(), node.require("daemon", "log_directory"));
    assertEquals("127.0.0.1", node.require("daemon", "ssh_host"));
    assertFalse(node.hasOption("daemon", "ssh_authorized_keys"), "no remote shell until the operator adds keys");

    SlaposConfig proxy = SlaposConfig.parse(home.resolve("etc/opt/slapos/slapos-proxy.cfg"));
    assertEquals("127.0.0.2", proxy.require("slapproxy", "host"));
    assertEquals("18080", proxy.require("slapproxy", "port"));
    assertEquals(node.require("slapproxy", "database_uri"), proxy.require("slapproxy", "database_uri"));
    assertEquals("local_computer", proxy.require("slapos", "computer_id"));

    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("opt/slapos/log"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg)));
    assertTrue(context.stdout().contains("slapos standalone start --cfg " + cfg), context.stdout());
    assertFalse(Files.exists(home.resolve("srv/slapgrid")), "the roots are format's to create");
  }

  @Test
  void clientConfigurationLinksToTheNodeOne() throws Exception {
    TestContext context = context();
    assertEquals(0, new ConfigureLocalCommand(() -> true).run(context, explicitDirectories()));
    Path link = home.resolve(".slapos/slapos-client.cfg");
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(home.resolve("etc/opt/slapos/slapos.cfg"), Files.readSymbolicLink(link));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".slapos"))));
    ClientConfiguration client = ClientConfiguration.load(new TestContext(home), null);
    assertEquals("http://127.0.0.1:8080", client.masterUrl());
    assertEquals(link, client.source());
  }

  @Test
  void anExistingClientConfigurationIsLeftAlone() throws Exception {
    Files.createDirectories(home.resolve(".slapos"));
    Path client = Files.writeString(home.resolve(".slapos/slapos-client.cfg"), "[slapos]\nmaster_url = http://elsewhere\n");
    TestContext context = context();
    assertEquals(0, new ConfigureLocalCommand(() -> true).run(context, explicitDirectories()));
    assertFalse(Files.isSymbolicLink(client));
    assertEquals("[slapos]\nmaster_url = http://elsewhere\n", Files.readString(client));
    assertTrue(context.stderr().contains("already exists"), context.stderr());
  }

  @Test
  void unprivilegedNodeGoesUnderTheHomeDirectory() throws Exception {
    TestContext context = context();
    assertEquals(0, new ConfigureLocalCommand(() -> false).run(context, List.of()));
    Path base = home.resolve(".slapos/local");
    SlaposConfig node = SlaposConfig.parse(base.resolve("etc/slapos.cfg"));
    assertEquals(Optional.of(false), node.getStrictBoolean("slapos", "root_check"));
    assertEquals(base.resolve("srv/slapgrid").toString(), node.require("slapos", "instance_root"));
    assertEquals(base.resolve("opt/slapgrid").toString(), node.require("slapos", "software_root"));
    for (String key : List.of("alter_user", "alter_network", "create_tap", "create_tun")) {
      assertEquals("false", node.require("slapformat", key), key);
    }
    assertEquals("lo", node.require("slapformat", "interface_name"));
    assertEquals("20", node.require("slapformat", "partition_amount"));
    assertEquals("10.0.0.0/16", node.require("slapformat", "ipv4_local_network"));
    assertEquals("http://127.0.0.1:8080", node.require("slapos", "master_url"));
    assertEquals(Optional.of(false), node.getStrictBoolean("daemon", "boot"));
    assertEquals("0", node.require("daemon", "collect_interval"), "node collect needs root");
    assertTrue(Files.isRegularFile(base.resolve("etc/slapos-proxy.cfg")));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(base.resolve("opt/slapos/log"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".slapos"))));
    assertTrue(context.stdout().contains("unprivileged"), context.stdout());
    assertTrue(context.stdout().contains("slapos standalone start --cfg " + base.resolve("etc/slapos.cfg")));
  }

  @Test
  void shacacheProxyPointsTheCacheAtTheLocalMaster() throws Exception {
    assertEquals(0, new ConfigureLocalCommand(() -> true).run(context(), explicitDirectories(
        "--enable-shacache-proxy", "--daemon-listen-port", "9000")));
    SlaposConfig node = SlaposConfig.parse(home.resolve("etc/opt/slapos/slapos.cfg"));
    assertEquals("http://127.0.0.1:9000/shacache", node.require("networkcache", "download-binary-cache-url"));
    assertEquals("http://127.0.0.1:9000/shadir", node.require("networkcache", "download-binary-dir-url"));
    assertEquals("http://127.0.0.1:9000/shacache", node.require("networkcache", "download-cache-url"));
    assertEquals("http://127.0.0.1:9000/shadir", node.require("networkcache", "download-dir-url"));
    assertEquals("true", node.require("slapproxy", "networkcache"));
    assertEquals(home.resolve("srv/slapgrid/shacache").toString(), node.require("slapproxy", "networkcache_directory"));
    SlaposConfig proxy = SlaposConfig.parse(home.resolve("etc/opt/slapos/slapos-proxy.cfg"));
    assertEquals(home.resolve("srv/slapgrid/shacache").toString(), proxy.require("slapproxy", "networkcache_directory"));
  }

  @Test
  void refusesAnExistingNodeConfigurationAndWritesNothing() throws Exception {
    Path cfg = Files.createDirectories(home.resolve("etc/opt/slapos")).resolve("slapos.cfg");
    Files.writeString(cfg, "[slapos]\n");
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> new ConfigureLocalCommand(() -> true).run(context(), explicitDirectories()));
    assertEquals(1, failure.exitCode());
    assertFalse(failure.getMessage().contains("\n"));
    assertTrue(failure.getMessage().contains("already exists"), failure.getMessage());
    assertEquals("[slapos]\n", Files.readString(cfg));
    assertFalse(Files.exists(home.resolve("etc/opt/slapos/slapos-proxy.cfg")));
    assertFalse(Files.exists(home.resolve(".slapos")));
    assertFalse(Files.exists(home.resolve("opt")));
  }

  @Test
  void aFailedWriteLeavesNothingBehind() throws Exception {
    // The proxy file's place is taken by a directory: the second file cannot be moved there.
    Files.createDirectories(home.resolve("etc/opt/slapos/slapos-proxy.cfg/occupied"));
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> new ConfigureLocalCommand(() -> true).run(context(), explicitDirectories()));
    assertEquals(1, failure.exitCode());
    assertFalse(Files.exists(home.resolve("etc/opt/slapos/slapos.cfg")));
    assertFalse(Files.exists(home.resolve(".slapos")));
    assertFalse(Files.exists(home.resolve("opt")), "created directories are removed too");
    try (Stream<Path> left = Files.list(home.resolve("etc/opt/slapos"))) {
      assertEquals(List.of(home.resolve("etc/opt/slapos/slapos-proxy.cfg")), left.toList(), "no temporary file is left");
    }
  }

  @Test
  void refusesADirectoryThisUserCannotWrite() throws Exception {
    assumeFalse("root".equals(Files.getOwner(Files.createTempFile(home, "who", "")).getName()),
        "root may write anywhere");
    Path locked = Files.createDirectories(home.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    List<String> args = explicitDirectories("--slapos-instance-root", locked.resolve("srv").toString());
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> new ConfigureLocalCommand(() -> false).run(context(), args));
    assertTrue(failure.getMessage().startsWith("--slapos-instance-root"), failure.getMessage());
    assertFalse(Files.exists(home.resolve("etc")));
  }

  @Test
  void refusesADirectoryUnderAFile() throws Exception {
    Path file = Files.writeString(home.resolve("plain-file"), "");
    List<String> args = explicitDirectories("--slapos-buildout-directory", file.resolve("opt").toString());
    CommandFailure failure = assertThrows(CommandFailure.class,
        () -> new ConfigureLocalCommand(() -> true).run(context(), args));
    assertEquals(1, failure.exitCode());
    assertEquals("--slapos-buildout-directory " + file.resolve("opt") + ": " + file
        + " is not a directory; choose another directory or run as root", failure.getMessage());
    assertFalse(Files.exists(home.resolve("etc")));
    assertFalse(Files.exists(home.resolve(".slapos")));
  }

  @Test
  void badValuesAreOneLineErrors() {
    for (List<String> args : List.of(List.of("--partition-number", "many"), List.of("--daemon-listen-port", "0"),
        List.of("--ipv4-local-network", "10.0.0.0"), List.of("--interface-name", "eth 0"),
        List.of("--daemon-listen-ip", "localhost"))) {
      CommandFailure failure = assertThrows(CommandFailure.class,
          () -> new ConfigureLocalCommand(() -> true).run(context(), explicitDirectories(args.toArray(String[]::new))),
          args.toString());
      assertEquals(1, failure.exitCode());
      assertTrue(failure.getMessage().startsWith(args.get(0)), failure.getMessage());
      assertFalse(Files.exists(home.resolve("etc/opt/slapos/slapos.cfg"), LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void helpListsTheOriginalOptions() throws Exception {
    TestContext context = context();
    assertEquals(0, new ConfigureLocalCommand(() -> true).run(context, List.of("--help")));
    for (String option : new ConfigureLocalCommand(() -> true).optionNames()) {
      assertTrue(context.stdout().contains(option), option);
    }
    assertEquals(2, new ConfigureLocalCommand(() -> true).run(context(), List.of("--no-such-option")));
  }
}
