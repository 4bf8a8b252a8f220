package org.slapos.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads the Declarative Services descriptors of a bundle jar (the {@code OSGI-INF/*.xml} files its
 * {@code Service-Component} header names) and returns the components that provide
 * {@value #COMMAND_SERVICE}, with the name, group and summary service properties they declare.
 * This is what SCR would register, found without starting a framework. Descriptors are parsed
 * with DTDs and external entities refused: a bundle's XML cannot make the build read files or
 * fetch URLs.
 */
final class ComponentDescriptors {
  static final String COMMAND_SERVICE = "org.slapos.command.api.SlaposCommand";
  static final String NAME_PROPERTY = "slapos.command.name";
  static final String GROUP_PROPERTY = "slapos.command.group";
  static final String SUMMARY_PROPERTY = "slapos.command.summary";

  /** A command component: the properties it declares, and its component name for messages. */
  record Command(String name, String group, String summary, String component) {
  }

  private ComponentDescriptors() {
  }

  /** The command components declared in {@code jar}, in descriptor order. */
  static List<Command> commandsIn(JarFile jar) throws IOException {
    Manifest manifest = jar.getManifest();
    String header = manifest == null ? null : manifest.getMainAttributes().getValue("Service-Component");
    if (header == null || header.isBlank()) {
      return List.of();
    }
    List<Command> commands = new ArrayList<>();
    for (String path : header.split(",")) {
      String trimmed = path.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      List<JarEntry> descriptors = entriesMatching(jar, trimmed);
      if (descriptors.isEmpty() && !trimmed.contains("*")) {
        throw new IOException(jar.getName() + ": Service-Component names " + trimmed + ", which is not in the jar");
      }
      for (JarEntry descriptor : descriptors) {
        Document document;
        try (InputStream in = jar.getInputStream(descriptor)) {
          document = parse(in, jar.getName() + "!/" + descriptor.getName());
        }
        for (Element component : components(document)) {
          Command command = command(jar, component);
          if (command != null) {
            commands.add(command);
          }
        }
      }
    }
    return commands;
  }

  /** DS allows a wildcard in the last segment of each header path ({@code OSGI-INF/*.xml}). */
  private static List<JarEntry> entriesMatching(JarFile jar, String path) {
    String name = path.startsWith("/") ? path.substring(1) : path;
    if (!name.contains("*")) {
      JarEntry entry = jar.getJarEntry(name);
      return entry == null ? List.of() : List.of(entry);
    }
    int slash = name.lastIndexOf('/');
    String directory = name.substring(0, slash + 1);
    Pattern file = Pattern.compile(Pattern.quote(name.substring(slash + 1)).replace("*", "\\E[^/]*\\Q"));
    List<JarEntry> matches = new ArrayList<>();
    for (JarEntry entry : Collections.list(jar.entries())) {
      String entryName = entry.getName();
      if (!entry.isDirectory() && entryName.startsWith(directory)
          && file.matcher(entryName.substring(directory.length())).matches()) {
        matches.add(entry);
      }
    }
    matches.sort((a, b) -> a.getName().compareTo(b.getName()));
    return matches;
  }

  static Document parse(InputStream in, String source) throws IOException {
    try {
      DocumentBuilder builder = lockedDownFactory().newDocumentBuilder();
      builder.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entity " + systemId + " refused");
      });
      builder.setErrorHandler(new DefaultHandler() {
        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }
      });
      InputSource input = new InputSource(in);
      input.setSystemId(source);
      return builder.parse(input);
    } catch (SAXException e) {
      throw new IOException(source + ": not a usable component descriptor: " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("The JDK's XML parser cannot be locked down: " + e.getMessage(), e);
    }
  }

  private static DocumentBuilderFactory lockedDownFactory() throws ParserConfigurationException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    return factory;
  }

  /** A descriptor is one {@code component} element, or any root element holding several. */
  private static List<Element> components(Document document) {
    Element root = document.getDocumentElement();
    if ("component".equals(localName(root))) {
      return List.of(root);
    }
    List<Element> components = new ArrayList<>();
    for (Element child : children(root)) {
      if ("component".equals(localName(child))) {
        components.add(child);
      }
    }
    return components;
  }

  private static Command command(JarFile jar, Element component) throws IOException {
    String componentName = component.getAttribute("name");
    // Not registered as declared: disabled until code enables it, or a factory for instances.
    if ("false".equals(component.getAttribute("enabled")) || component.hasAttribute("factory")) {
      return null;
    }
    boolean provides = false;
    Map<String, String> properties = new LinkedHashMap<>();
    for (Element child : children(component)) {
      switch (localName(child)) {
        case "service" -> {
          for (Element provide : children(child)) {
            if ("provide".equals(localName(provide)) && COMMAND_SERVICE.equals(provide.getAttribute("interface"))) {
              provides = true;
            }
          }
        }
        // Document order: a later property or properties element overrides an earlier one (DS 112.4.4).
        case "property" -> properties.put(child.getAttribute("name"), propertyValue(child));
        case "properties" -> properties.putAll(propertiesEntry(jar, child.getAttribute("entry")));
        default -> {
          // references, implementation, factory-property...: nothing the index needs
        }
      }
    }
    if (!provides) {
      return null;
    }
    String name = properties.get(NAME_PROPERTY);
    if (name == null || name.isBlank()) {
      throw new IOException(jar.getName() + ": component " + componentName + " provides " + COMMAND_SERVICE
          + " without a " + NAME_PROPERTY + " property");
    }
    return new Command(oneLine(name.trim()), oneLine(properties.getOrDefault(GROUP_PROPERTY, "")),
        oneLine(properties.getOrDefault(SUMMARY_PROPERTY, "")), componentName);
  }

  /** The value attribute, or else the first line of the body (the form for array properties). */
  private static String propertyValue(Element property) {
    if (property.hasAttribute("value")) {
      return property.getAttribute("value");
    }
    for (String line : property.getTextContent().split("\n")) {
      if (!line.isBlank()) {
        return line.trim();
      }
    }
    return "";
  }

  private static Map<String, String> propertiesEntry(JarFile jar, String entry) throws IOException {
    JarEntry file = jar.getJarEntry(entry.startsWith("/") ? entry.substring(1) : entry);
    if (file == null) {
      throw new IOException(jar.getName() + ": component properties entry " + entry + " is not in the jar");
    }
    Properties properties = new Properties();
    try (InputStream in = jar.getInputStream(file)) {
      properties.load(in);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      values.put(key, properties.getProperty(key));
    }
    return values;
  }

  /** The index is line- and tab-separated: whitespace runs become one space. */
  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").trim();
  }

  private static String localName(Node node) {
    return node.getLocalName() != null ? node.getLocalName() : node.getNodeName();
  }

  private static List<Element> children(Element parent) {
    List<Element> elements = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element element) {
        elements.add(element);
      }
    }
    return elements;
  }
}
