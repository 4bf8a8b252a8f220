package org.slapos.itest.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.osgi.framework.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * features/ is the one list of what a deliverable contains: it must name exactly the bundles the
 * resolver chose for the runtime's .bndrun (regenerate with runtime/update-features), that is the
 * bundles the build listed in export/RUNTIME/runbundles.tsv and the launcher installs. Bundles are
 * compared by symbolic name and version, read from the Maven artifacts the feature names and from
 * the exported jars.
 */
class FeaturesTest {
  private static final Path FEATURES = Path.of(System.getProperty("slapos.features", "../features"));
  private static final Path EXPORT = Path.of(System.getProperty("slapos.distribution", "../runtime/target/export"));
  private static final Path REPOSITORY = Path.of(System.getProperty("maven.repository",
      System.getProperty("user.home") + "/.m2/repository"));

  @ParameterizedTest
  @ValueSource(strings = {"cli", "master"})
  void featureListsTheResolvedBundles(String runtime) throws IOException {
    JsonNode feature = new ObjectMapper().readTree(FEATURES.resolve(runtime + ".json").toFile());
    Set<String> declared = new TreeSet<>();
    for (JsonNode bundle : feature.get("bundles")) {
      String[] gav = bundle.get("id").asText().split(":");
      Path jar = REPOSITORY.resolve(gav[0].replace('.', '/')).resolve(gav[1]).resolve(gav[2])
          .resolve(gav[1] + "-" + gav[2] + ".jar");
      declared.add(identity(jar));
    }
    Set<String> exported = new TreeSet<>();
    for (String[] listed : resolvedBundles(runtime)) {
      String identity = identity(EXPORT.resolve(runtime).resolve(listed[2]));
      assertEquals(listed[0] + ";" + listed[1], identity, "runbundles.tsv of " + runtime + " names " + listed[2]);
      exported.add(identity);
    }
    assertFalse(exported.isEmpty(), "nothing exported for " + runtime);
    assertEquals(exported, declared, "features/" + runtime + ".json differs from the resolved "
        + runtime + ".bndrun (run runtime/update-features)");
  }

  /** The export holds nothing the launcher would not install: every jar is in runbundles.tsv. */
  @ParameterizedTest
  @ValueSource(strings = {"cli", "master"})
  void theExportHoldsOnlyTheResolvedBundles(String runtime) throws IOException {
    Set<String> listed = new TreeSet<>();
    for (String[] bundle : resolvedBundles(runtime)) {
      listed.add(bundle[2]);
    }
    Set<String> jars = new TreeSet<>();
    try (Stream<Path> files = Files.list(EXPORT.resolve(runtime))) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).forEach(jars::add);
    }
    assertEquals(listed, jars);
  }

  /** The index the launcher picks runtimes from: proxy commands need the master, the rest the cli. */
  @Test
  void theCommandIndexPutsEachCommandOnTheSmallestRuntimeWithIt() throws IOException {
    Map<String, String> runtimeOf = new TreeMap<>();
    List<String> inFileOrder = new ArrayList<>();
    for (String line : Files.readAllLines(EXPORT.resolve("commands.tsv"), StandardCharsets.UTF_8)) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] fields = line.split("\t", -1);
        assertEquals(4, fields.length, line);
        runtimeOf.put(fields[0], fields[2]);
        inFileOrder.add(fields[0]);
      }
    }
    assertEquals("master", runtimeOf.get("proxy start"));
    assertEquals("master", runtimeOf.get("proxy show"));
    assertEquals("cli", runtimeOf.get("request"));
    assertEquals("cli", runtimeOf.get("help"));
    assertEquals(inFileOrder.stream().sorted().toList(), inFileOrder, "commands.tsv is sorted by name");
  }

  private static List<String[]> resolvedBundles(String runtime) throws IOException {
    List<String[]> bundles = new ArrayList<>();
    for (String line : Files.readAllLines(EXPORT.resolve(runtime).resolve("runbundles.tsv"), StandardCharsets.UTF_8)) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] fields = line.split("\t", -1);
        assertEquals(3, fields.length, line);
        bundles.add(fields);
      }
    }
    return bundles;
  }

  private static String identity(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      return main.getValue("Bundle-SymbolicName").split(";")[0].trim() + ";"
          + Version.parseVersion(main.getValue("Bundle-Version").trim());
    }
  }
}
