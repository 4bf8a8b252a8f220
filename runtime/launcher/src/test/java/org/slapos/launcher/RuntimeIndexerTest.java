package org.slapos.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runtimes as the build exports them: "small" (2 bundles) and "big" (3 bundles, a superset
 * with one more command bundle), each with its resolved .bndrun.
 */
class RuntimeIndexerTest {
  @TempDir
  Path root;
  private Path bndruns;
  private Path export;

  @BeforeEach
  void exportTwoRuntimes() throws IOException {
    bndruns = Files.createDirectories(root.resolve("runtime"));
    export = Files.createDirectories(root.resolve("export"));
    Path small = Files.createDirectories(export.resolve("small"));
    Path big = Files.createDirectories(export.resolve("big"));
    for (Path dir : List.of(small, big)) {
      FixtureJars.commandBundle(dir, "client-1.0.0.jar", "org.example.client",
          "request", "client", "request an instance", "service list", "client", "list services");
      FixtureJars.bundle(dir, "lib-2.5.jar", "org.example.lib", "2.5");
    }
    FixtureJars.commandBundle(big, "server-1.0.0.jar", "org.example.server",
        "proxy start", "proxy", "minimalist, stand-alone SlapOS Master", "proxy show", "proxy", "display proxy");
    Files.writeString(bndruns.resolve("small.bndrun"), """
        -runbundles: \\
        \torg.example.client;version='[1.0.0,1.0.1)',\\
        \torg.example.lib;version='[2.5.0,2.5.1)'
        """);
    Files.writeString(bndruns.resolve("big.bndrun"), """
        -runbundles: \\
        \torg.example.client;version='[1.0.0,1.0.1)',\\
        \torg.example.lib;version='[2.5.0,2.5.1)',\\
        \torg.example.server;version='[1.0.0,1.0.1)'
        """);
  }

  @Test
  void writesEachRuntimesBundleListFromItsRunbundles() throws IOException {
    new RuntimeIndexer(bndruns, export).run();
    assertEquals(List.of(
        new BundleList.Entry("org.example.client", "1.0.0", "client-1.0.0.jar"),
        new BundleList.Entry("org.example.lib", "2.5.0", "lib-2.5.jar"),
        new BundleList.Entry("org.example.server", "1.0.0", "server-1.0.0.jar")),
        BundleList.read(export.resolve("big")).entries());
    assertEquals(2, BundleList.read(export.resolve("small")).entries().size());
  }

  @Test
  void eachCommandGoesToTheSmallestRuntimeThatHasIt() throws IOException {
    new RuntimeIndexer(bndruns, export).run();
    List<String> lines = Files.readAllLines(export.resolve("commands.tsv"), StandardCharsets.UTF_8);
    assertTrue(lines.get(0).startsWith("# "), lines.get(0));
    assertEquals(List.of(
        "proxy show\tproxy\tbig\tdisplay proxy",
        "proxy start\tproxy\tbig\tminimalist, stand-alone SlapOS Master",
        "request\tclient\tsmall\trequest an instance",
        "service list\tclient\tsmall\tlist services"),
        lines.stream().filter(l -> !l.startsWith("#")).toList());
    CommandIndex index = CommandIndex.read(export.resolve("commands.tsv"));
    assertEquals("big", index.runtimeFor(List.of("proxy", "start", "slapos.cfg")));
    assertEquals("small", index.runtimeFor(List.of("request", "x", "y")));
  }

  @Test
  void twoBuildsWriteTheSameFiles() throws IOException {
    new RuntimeIndexer(bndruns, export).run();
    byte[] first = Files.readAllBytes(export.resolve("commands.tsv"));
    byte[] firstList = Files.readAllBytes(export.resolve("big").resolve(BundleList.FILE_NAME));
    new RuntimeIndexer(bndruns, export).run();
    assertEquals(new String(first, StandardCharsets.UTF_8),
        Files.readString(export.resolve("commands.tsv"), StandardCharsets.UTF_8));
    assertEquals(new String(firstList, StandardCharsets.UTF_8),
        Files.readString(export.resolve("big").resolve(BundleList.FILE_NAME), StandardCharsets.UTF_8));
  }

  @Test
  void aRunbundleWithoutItsJarFailsTheBuild() throws IOException {
    Files.delete(export.resolve("small").resolve("lib-2.5.jar"));
    FixtureJars.bundle(export.resolve("small"), "lib-2.6.jar", "org.example.lib", "2.6");
    IOException e = assertThrows(IOException.class, () -> new RuntimeIndexer(bndruns, export).run());
    assertTrue(e.getMessage().contains("org.example.lib;version='[2.5.0,2.5.1)'"), e.getMessage());
  }

  @Test
  void aJarNoRunbundleNamesFailsTheBuild() throws IOException {
    FixtureJars.bundle(export.resolve("small"), "leftover-0.9.jar", "org.example.leftover", "0.9");
    IOException e = assertThrows(IOException.class, () -> new RuntimeIndexer(bndruns, export).run());
    assertTrue(e.getMessage().contains("leftover-0.9.jar"), e.getMessage());
  }

  @Test
  void twoJarsForOneRunbundleFailTheBuild() throws IOException {
    FixtureJars.bundle(export.resolve("small"), "lib-copy.jar", "org.example.lib", "2.5.0");
    IOException e = assertThrows(IOException.class, () -> new RuntimeIndexer(bndruns, export).run());
    assertTrue(e.getMessage().contains("several jars"), e.getMessage());
  }

  @Test
  void aBndrunThatWasNotExportedFailsTheBuild() throws IOException {
    Files.writeString(bndruns.resolve("other.bndrun"), "-runbundles: org.example.lib;version='[2.5.0,2.5.1)'\n");
    IOException e = assertThrows(IOException.class, () -> new RuntimeIndexer(bndruns, export).run());
    assertTrue(e.getMessage().contains("other.bndrun was not exported"), e.getMessage());
  }
}
