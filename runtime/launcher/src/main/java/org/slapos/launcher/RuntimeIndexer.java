package org.slapos.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Version;

/**
 * Build step, run after the bnd exporter (runtime/pom.xml): for every {@code runtime/*.bndrun},
 * writes {@code export/<runtime>/runbundles.tsv} (its {@code -runbundles}, each matched to the
 * exported jar by Bundle-SymbolicName and version), then {@code export/commands.tsv} (every
 * command of every runtime, from the bundles' component descriptors, on the smallest runtime
 * that has it). Fails when a {@code -runbundles} entry has no jar, or two, or when the export
 * directory holds a jar that no entry names.
 *
 * <p>Usage: {@code RuntimeIndexer BNDRUN_DIRECTORY EXPORT_DIRECTORY}
 */
public final class RuntimeIndexer {
  private final Path bndrunDirectory;
  private final Path exportDirectory;

  RuntimeIndexer(Path bndrunDirectory, Path exportDirectory) {
    this.bndrunDirectory = bndrunDirectory;
    this.exportDirectory = exportDirectory;
  }

  /** Runs in the build's JVM (exec:java): failures are exceptions, never System.exit. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("Usage: RuntimeIndexer BNDRUN_DIRECTORY EXPORT_DIRECTORY");
    }
    RuntimeIndexer indexer = new RuntimeIndexer(Path.of(args[0]), Path.of(args[1]));
    for (String line : indexer.run()) {
      System.out.println(line);
    }
  }

  /** Writes the bundle lists and the command index; returns one summary line per file written. */
  List<String> run() throws IOException {
    List<String> summary = new ArrayList<>();
    Map<String, List<Path>> runtimes = new TreeMap<>();
    for (Path bndrun : bndruns()) {
      String runtime = bndrun.getFileName().toString().replaceFirst("\\.bndrun$", "");
      Path directory = exportDirectory.resolve(runtime);
      BundleList list = resolvedBundles(bndrun, directory);
      list.write(directory, "runtime/" + bndrun.getFileName());
      List<Path> jars = new ArrayList<>();
      for (BundleList.Entry entry : list.entries()) {
        jars.add(directory.resolve(entry.fileName()));
      }
      runtimes.put(runtime, jars);
      summary.add(directory.resolve(BundleList.FILE_NAME) + ": " + jars.size() + " bundles");
    }
    CommandIndex index = commandIndex(runtimes);
    index.write(exportDirectory.resolve(CommandIndex.FILE_NAME));
    summary.add(exportDirectory.resolve(CommandIndex.FILE_NAME) + ": " + index.entries().size() + " commands");
    return summary;
  }

  private List<Path> bndruns() throws IOException {
    try (Stream<Path> files = Files.list(bndrunDirectory)) {
      List<Path> bndruns = files.filter(p -> p.getFileName().toString().endsWith(".bndrun")).sorted().toList();
      if (bndruns.isEmpty()) {
        throw new IOException("No .bndrun file in " + bndrunDirectory);
      }
      return bndruns;
    }
  }

  /** Matches each -runbundles entry to the one exported jar with that symbolic name and version. */
  static BundleList resolvedBundles(Path bndrun, Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new IOException(bndrun.getFileName() + " was not exported: no " + directory);
    }
    Map<Path, BundleList.Entry> exported = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
        exported.put(jar, identity(jar));
      }
    }
    List<BundleList.Entry> entries = new ArrayList<>();
    for (Bndrun.RunBundle wanted : Bndrun.runBundles(bndrun)) {
      List<BundleList.Entry> matches = exported.values().stream()
          .filter(e -> e.symbolicName().equals(wanted.symbolicName())
              && wanted.versions().includes(Version.parseVersion(e.version())))
          .toList();
      if (matches.isEmpty()) {
        throw new IOException(bndrun.getFileName() + ": no jar in " + directory + " is " + wanted);
      }
      if (matches.size() > 1) {
        throw new IOException(bndrun.getFileName() + ": several jars in " + directory + " are " + wanted + ": "
            + matches.stream().map(BundleList.Entry::fileName).toList());
      }
      entries.add(matches.get(0));
    }
    List<String> strays = exported.values().stream().filter(e -> !entries.contains(e))
        .map(BundleList.Entry::fileName).toList();
    if (!strays.isEmpty()) {
      throw new IOException(directory + " holds jars that " + bndrun.getFileName() + " -runbundles does not name: "
          + strays + " (the build empties the export directory first; what put them there?)");
    }
    return new BundleList(entries);
  }

  private static BundleList.Entry identity(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
      String symbolicName = main.getValue("Bundle-SymbolicName");
      if (symbolicName == null) {
        throw new IOException(jar + " is not a bundle (no Bundle-SymbolicName)");
      }
      String version = main.getValue("Bundle-Version");
      try {
        return new BundleList.Entry(symbolicName.split(";")[0].trim(),
            Version.parseVersion(version == null ? null : version.trim()).toString(), jar.getFileName().toString());
      } catch (IllegalArgumentException e) {
        throw new IOException(jar + ": bad Bundle-Version '" + version + "'", e);
      }
    }
  }

  /**
   * Every command of every runtime, each on the runtime with the fewest bundles that has it (ties:
   * the runtime name first in alphabetical order). Within a runtime, the first declaration in
   * bundle order is kept.
   */
  static CommandIndex commandIndex(Map<String, List<Path>> runtimes) throws IOException {
    Map<String, CommandIndex.Entry> chosen = new TreeMap<>();
    Map<String, Integer> chosenSize = new TreeMap<>();
    for (Map.Entry<String, List<Path>> runtime : runtimes.entrySet()) {
      int size = runtime.getValue().size();
      Map<String, ComponentDescriptors.Command> commands = new LinkedHashMap<>();
      for (Path jar : runtime.getValue()) {
        try (JarFile file = new JarFile(jar.toFile())) {
          for (ComponentDescriptors.Command command : ComponentDescriptors.commandsIn(file)) {
            commands.putIfAbsent(command.name(), command);
          }
        }
      }
      for (ComponentDescriptors.Command command : commands.values()) {
        Integer previous = chosenSize.get(command.name());
        if (previous == null || size < previous) {
          chosen.put(command.name(),
              new CommandIndex.Entry(command.name(), command.group(), runtime.getKey(), command.summary()));
          chosenSize.put(command.name(), size);
        }
      }
    }
    return new CommandIndex(new ArrayList<>(chosen.values()));
  }
}
