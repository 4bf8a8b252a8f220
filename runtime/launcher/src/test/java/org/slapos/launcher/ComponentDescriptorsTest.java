package org.slapos.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentDescriptorsTest {

  @Test
  void findsTheCommandComponentsAndTheirProperties(@TempDir Path dir) throws IOException {
    Path jar = FixtureJars.commandBundle(dir, "b.jar", "org.example.b",
        "proxy start", "proxy", "minimalist, stand-alone SlapOS Master",
        "proxy show", "proxy", "display proxy instances and parameters");
    assertEquals(List.of(
        new ComponentDescriptors.Command("proxy start", "proxy", "minimalist, stand-alone SlapOS Master", "org.example.b.Command0"),
        new ComponentDescriptors.Command("proxy show", "proxy", "display proxy instances and parameters", "org.example.b.Command1")),
        commands(jar));
  }

  @Test
  void ignoresOtherServicesDisabledAndFactoryComponents(@TempDir Path dir) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("OSGI-INF/other.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="other">
          <property name="slapos.command.name" value="not a command"/>
          <service><provide interface="java.lang.Runnable"/></service>
          <implementation class="Other"/>
        </scr:component>
        """);
    entries.put("OSGI-INF/disabled.xml", FixtureJars.commandDescriptor("disabled", "off", "", "")
        .replace("name=\"disabled\"", "name=\"disabled\" enabled=\"false\""));
    entries.put("OSGI-INF/factory.xml", FixtureJars.commandDescriptor("factory", "made", "", "")
        .replace("name=\"factory\"", "name=\"factory\" factory=\"f\""));
    Path jar = FixtureJars.bundle(dir, "c.jar", "c", "1.0.0", entries,
        "OSGI-INF/other.xml,OSGI-INF/disabled.xml,OSGI-INF/factory.xml");
    assertEquals(List.of(), commands(jar));
  }

  @Test
  void wildcardHeadersPropertiesFilesAndMultiComponentDescriptors(@TempDir Path dir) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("OSGI-INF/a.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <components xmlns:scr="http://www.osgi.org/xmlns/scr/v1.1.0">
          <scr:component name="first">
            <property name="slapos.command.summary" value="overridden"/>
            <properties entry="OSGI-INF/first.properties"/>
            <service><provide interface="org.slapos.command.api.SlaposCommand"/></service>
            <implementation class="First"/>
          </scr:component>
          <scr:component name="second">
            <property name="slapos.command.name" type="String">
              service   list
            </property>
            <service><provide interface="java.lang.Object"/><provide interface="org.slapos.command.api.SlaposCommand"/></service>
            <implementation class="Second"/>
          </scr:component>
        </components>
        """);
    entries.put("OSGI-INF/first.properties", "slapos.command.name=computer list\nslapos.command.summary=from a file\n");
    entries.put("OSGI-INF/sub/ignored.xml", "not even XML");
    Path jar = FixtureJars.bundle(dir, "d.jar", "d", "1.0.0", entries, "OSGI-INF/*.xml");
    assertEquals(List.of(
        new ComponentDescriptors.Command("computer list", "", "from a file", "first"),
        new ComponentDescriptors.Command("service list", "", "", "second")),
        commands(jar));
  }

  @Test
  void aDescriptorWithADoctypeIsRefused(@TempDir Path dir) throws IOException {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "do not read");
    String descriptor = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE component [<!ENTITY leak SYSTEM "%s">]>
        <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.4.0" name="x">
          <property name="slapos.command.name" value="&leak;"/>
          <service><provide interface="org.slapos.command.api.SlaposCommand"/></service>
          <implementation class="X"/>
        </scr:component>
        """.formatted(secret.toUri());
    Path jar = FixtureJars.bundle(dir, "e.jar", "e", "1.0.0", Map.of("OSGI-INF/x.xml", descriptor), "OSGI-INF/x.xml");
    IOException e = assertThrows(IOException.class, () -> commands(jar));
    assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
  }

  @Test
  void aCommandWithoutANameAndAMissingDescriptorAreErrors(@TempDir Path dir) throws IOException {
    String nameless = FixtureJars.commandDescriptor("nameless", "x", "g", "s")
        .replace("name=\"slapos.command.name\"", "name=\"something.else\"");
    Path jar = FixtureJars.bundle(dir, "f.jar", "f", "1.0.0", Map.of("OSGI-INF/n.xml", nameless), "OSGI-INF/n.xml");
    IOException e = assertThrows(IOException.class, () -> commands(jar));
    assertTrue(e.getMessage().contains("slapos.command.name"), e.getMessage());
    Path missing = FixtureJars.bundle(dir, "g.jar", "g", "1.0.0", Map.of(), "OSGI-INF/gone.xml");
    e = assertThrows(IOException.class, () -> commands(missing));
    assertTrue(e.getMessage().contains("OSGI-INF/gone.xml"), e.getMessage());
  }

  @Test
  void aBundleWithoutComponentsHasNoCommands(@TempDir Path dir) throws IOException {
    assertEquals(List.of(), commands(FixtureJars.bundle(dir, "h.jar", "h", "1.0.0")));
  }

  private static List<ComponentDescriptors.Command> commands(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return ComponentDescriptors.commandsIn(file);
    }
  }
}
