package org.slapos.itest.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * features/ is the one list of what a deliverable contains: it must name exactly the bundles the
 * resolver chose for the runtime's .bndrun (regenerate with runtime/update-features). Bundles are
 * compared by symbolic name and version, read from the Maven artifacts the feature names.
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
    try (Stream<Path> jars = Files.list(EXPORT.resolve(runtime))) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
        exported.add(identity(jar));
      }
    }
    assertFalse(exported.isEmpty(), "nothing exported for " + runtime);
    assertEquals(exported, declared, "features/" + runtime + ".json differs from the resolved "
        + runtime + ".bndrun (run runtime/update-features)");
  }

  private static String identity(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      return main.getValue("Bundle-SymbolicName").split(";")[0].trim() + ";" + main.getValue("Bundle-Version");
    }
  }
}
