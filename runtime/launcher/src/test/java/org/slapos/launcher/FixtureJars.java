package org.slapos.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds the small bundle jars the tests need, with DS descriptors when asked. */
final class FixtureJars {
  private FixtureJars() {
  }

  /** A bundle with a header, and the given extra entries (path to UTF-8 content). */
  static Path bundle(Path directory, String fileName, String symbolicName, String version,
      Map<String, String> entries, String serviceComponentHeader) throws IOException {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.putValue("Bundle-ManifestVersion", "2");
    main.putValue("Bundle-SymbolicName", symbolicName);
    main.putValue("Bundle-Version", version);
    if (serviceComponentHeader != null) {
      main.putValue("Service-Component", serviceComponentHeader);
    }
    Path jar = directory.resolve(fileName);
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        out.putNextEntry(new JarEntry(entry.getKey()));
        out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  static Path bundle(Path directory, String fileName, String symbolicName, String version) throws IOException {
    return bundle(directory, fileName, symbolicName, version, Map.of(), null);
  }

  /** A bundle whose descriptors each declare one SlaposCommand component (name, group, summary). */
  static Path commandBundle(Path directory, String fileName, String symbolicName, String... nameGroupSummary)
      throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < nameGroupSummary.length; i += 3) {
      String path = "OSGI-INF/" + symbolicName + ".Command" + (i / 3) + ".xml";
      entries.put(path, commandDescriptor(symbolicName + ".Command" + (i / 3),
          nameGroupSummary[i], nameGroupSummary[i + 1], nameGroupSummary[i + 2]));
      header.append(header.length() == 0 ? "" : ",").append(path);
    }
    return bundle(directory, fileName, symbolicName, "1.0.0", entries, header.toString());
  }

  /** What bnd writes for a component with a component property type and @Component(service=...). */
  static String commandDescriptor(String component, String name, String group, String summary) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.4.0" name="%s">
          <property name="slapos.command.name" type="String" value="%s"/>
          <property name="slapos.command.group" type="String" value="%s"/>
          <property name="slapos.command.summary" type="String" value="%s"/>
          <service>
            <provide interface="org.slapos.command.api.SlaposCommand"/>
          </service>
          <implementation class="%s"/>
        </scr:component>
        """.formatted(component, name, group, summary, component);
  }
}
