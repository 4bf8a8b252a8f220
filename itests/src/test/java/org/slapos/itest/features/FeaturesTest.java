package org.slapos.itest.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * features/ is the one list of what a deliverable contains: it must name exactly the bundles the
 * resolver chose for the runtime's .bndrun (regenerate with runtime/update-features).
 */
class FeaturesTest {
  private static final Path FEATURES = Path.of(System.getProperty("slapos.features", "../features"));
  private static final Path EXPORT = Path.of(System.getProperty("slapos.distribution", "../runtime/target/export"));

  @ParameterizedTest
  @ValueSource(strings = {"cli", "master"})
  void featureListsTheResolvedBundles(String runtime) throws IOException {
    JsonNode feature = new ObjectMapper().readTree(FEATURES.resolve(runtime + ".json").toFile());
    Set<String> declared = new TreeSet<>();
    for (JsonNode bundle : feature.get("bundles")) {
      List<String> parts = List.of(bundle.get("id").asText().split(":"));
      declared.add(parts.get(1) + "-" + parts.get(parts.size() - 1) + ".jar");
    }
    Set<String> exported;
    try (Stream<Path> jars = Files.list(EXPORT.resolve(runtime))) {
      exported = jars.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertFalse(exported.isEmpty(), "nothing exported for " + runtime);
    assertEquals(exported, declared, "features/" + runtime + ".json differs from the resolved "
        + runtime + ".bndrun (run runtime/update-features)");
  }
}
