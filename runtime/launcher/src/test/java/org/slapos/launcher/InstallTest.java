package org.slapos.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** The launcher installs the bundles its list names, on a real Felix, and nothing else. */
class InstallTest {
  @TempDir
  Path root;
  private Framework framework;
  private Path runtime;

  @BeforeEach
  void startFrameworkAndExportARuntime() throws Exception {
    runtime = Files.createDirectories(root.resolve("export").resolve("cli"));
    FixtureJars.bundle(runtime, "a-1.0.0.jar", "org.example.a", "1.0.0");
    FixtureJars.bundle(runtime, "b-2.0.jar", "org.example.b", "2.0");
    new BundleList(List.of(
        new BundleList.Entry("org.example.a", "1.0.0", "a-1.0.0.jar"),
        new BundleList.Entry("org.example.b", "2.0.0", "b-2.0.jar"))).write(runtime, "test.bndrun");
    framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(Map.of(
        Constants.FRAMEWORK_STORAGE, root.resolve("cache").toString(),
        Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
    framework.init();
  }

  @AfterEach
  void stopFramework() throws Exception {
    framework.stop();
    framework.waitForStop(10_000);
  }

  @Test
  void aJarLeftInTheExportFolderIsNotInstalled() throws Exception {
    FixtureJars.bundle(runtime, "a-0.9.0.jar", "org.example.a", "0.9.0");
    FixtureJars.bundle(runtime, "removed-1.0.jar", "org.example.removed", "1.0");
    List<Bundle> installed = Main.installAndStart(framework.getBundleContext(), runtime);
    framework.start();
    assertEquals(List.of("org.example.a 1.0.0", "org.example.b 2.0.0"), describe(installed));
    BundleContext context = framework.getBundleContext();
    assertEquals(List.of("org.apache.felix.framework", "org.example.a", "org.example.b"),
        Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName).toList());
    for (Bundle bundle : installed) {
      assertEquals(Bundle.ACTIVE, bundle.getState(), bundle.getSymbolicName());
    }
  }

  @Test
  void withoutItsListTheRuntimeDoesNotStart() throws IOException {
    Files.delete(runtime.resolve(BundleList.FILE_NAME));
    IOException e = assertThrows(IOException.class, () -> Main.installAndStart(framework.getBundleContext(), runtime));
    assertTrue(e.getMessage().contains(BundleList.FILE_NAME), e.getMessage());
    assertEquals(1, framework.getBundleContext().getBundles().length);
  }

  @Test
  void aJarThatIsNotTheListedBundleIsRefused() throws IOException {
    Files.delete(runtime.resolve("b-2.0.jar"));
    FixtureJars.bundle(runtime, "b-2.0.jar", "org.example.b", "2.1");
    BundleException e = assertThrows(BundleException.class,
        () -> Main.installAndStart(framework.getBundleContext(), runtime));
    assertTrue(e.getMessage().contains("org.example.b 2.1.0"), e.getMessage());
  }

  @Test
  void aListedJarThatIsMissingIsReported() throws IOException {
    Files.delete(runtime.resolve("a-1.0.0.jar"));
    IOException e = assertThrows(IOException.class, () -> Main.installAndStart(framework.getBundleContext(), runtime));
    assertTrue(e.getMessage().contains("a-1.0.0.jar"), e.getMessage());
  }

  private static List<String> describe(List<Bundle> bundles) {
    return bundles.stream().map(b -> b.getSymbolicName() + " " + b.getVersion()).toList();
  }
}
