package org.slapos.client.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.slapos.client.shell.SoftwareReleaseSchema.Serialisation;
import org.slapos.command.api.CommandFailure;
import org.slapos.slap.marshal.PyJson;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Instance parameters and SLA filters as {@code slapos request} reads them: {@code key=value}
 * words, or a parameters file ({@code .yaml}/{@code .yml} YAML, {@code .xml} the
 * {@code <instance><parameter id="...">} form copied from the web interface, anything else JSON).
 */
final class InstanceParameters {

  private InstanceParameters() {
  }

  /**
   * {@code parse_option_dict}: {@code ["a=1", "b=x=y"]} gives {@code {a: "1", b: "x=y"}}.
   *
   * @throws CommandFailure exit 1 for a word without {@code =} or a key given twice
   */
  static Map<String, Object> parseKeyValues(List<String> words) throws CommandFailure {
    Map<String, Object> result = new LinkedHashMap<>();
    for (String word : words) {
      int equals = word.indexOf('=');
      if (equals < 0) {
        throw new CommandFailure(1, "Invalid option " + PythonRepr.str(word) + ": expected key=value");
      }
      String key = word.substring(0, equals);
      if (result.containsKey(key)) {
        throw new CommandFailure(1, "Multiple values provided for the same key " + PythonRepr.str(key));
      }
      result.put(key, word.substring(equals + 1));
    }
    return result;
  }

  /**
   * {@code getParametersFromFile}: reads the file and, for json-in-xml, wraps the parameters as
   * {@code {"_": json.dumps(parameters, indent=2)}} unless {@code _} is already the only key. XML
   * files are taken as they are, whatever the serialisation.
   *
   * @throws CommandFailure exit 1 when the file cannot be read or is not a mapping
   */
  static Map<String, Object> fromFile(Path file, Serialisation serialisation) throws CommandFailure {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String extension = name.lastIndexOf('.') > 0 ? name.substring(name.lastIndexOf('.')) : "";
    Object parameters;
    try {
      switch (extension) {
        case ".yaml", ".yml" -> parameters = readYaml(file);
        case ".xml" -> {
          // The XML form is copied from the web interface and is already serialised as wanted.
          return readXml(file);
        }
        default -> parameters = readJson(file);
      }
    } catch (IOException | RuntimeException e) {
      throw new CommandFailure(1, "Cannot read parameters file " + file + ": " + oneLine(e), e);
    }
    if (!(parameters instanceof Map<?, ?> map)) {
      throw new CommandFailure(1, "Parameters file " + file + " must contain a mapping of parameter names to values, not "
          + (parameters == null ? "nothing" : PythonRepr.of(parameters)));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    map.forEach((key, value) -> result.put(String.valueOf(key), value));
    if (serialisation == Serialisation.JSON_IN_XML && !(result.size() == 1 && result.containsKey("_"))) {
      try {
        return new LinkedHashMap<>(Map.of("_", PyJson.dumps(result, 2, false)));
      } catch (IllegalArgumentException e) {
        throw new CommandFailure(1, "Cannot serialise parameters file " + file + ": " + e.getMessage(), e);
      }
    }
    return result;
  }

  /** Instances publish json-in-xml connection parameters as one {@code _} entry holding JSON. */
  static Object decodeJsonInXml(Object connection) throws CommandFailure {
    if (!(connection instanceof Map<?, ?> map) || !map.containsKey("_")) {
      return connection;
    }
    Object encoded = map.get("_");
    try {
      return new ObjectMapper().readValue(String.valueOf(encoded), Object.class);
    } catch (JsonProcessingException e) {
      throw new CommandFailure(1, "The connection parameter '_' is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  private static Object readJson(Path file) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    return normalise(mapper.readValue(Files.readString(file, StandardCharsets.UTF_8), Object.class));
  }

  /** {@code yaml.safe_load}: plain data only, no arbitrary objects. */
  private static Object readYaml(Path file) throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return normalise(yaml.load(reader));
    } catch (YAMLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The direct {@code parameter} children of the root: {@code id} attribute to text (None when empty). */
  private static Map<String, Object> readXml(Path file) throws CommandFailure {
    Document document;
    try (InputStream in = Files.newInputStream(file)) {
      document = secureBuilder().parse(in);
    } catch (IOException | SAXException | ParserConfigurationException e) {
      throw new CommandFailure(1, "Cannot read parameters file " + file + ": " + oneLine(e), e);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    for (Node child = document.getDocumentElement().getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element element && "parameter".equals(element.getTagName())) {
        if (!element.hasAttribute("id")) {
          throw new CommandFailure(1, "Parameters file " + file + ": a <parameter> element has no id attribute");
        }
        result.put(element.getAttribute("id"), leadingText(element));
      }
    }
    return result;
  }

  /** lxml's {@code element.text}: the text before the first child element, None when there is none. */
  private static String leadingText(Element element) {
    StringBuilder text = new StringBuilder();
    boolean any = false;
    for (Node node = element.getFirstChild(); node != null && node.getNodeType() != Node.ELEMENT_NODE;
        node = node.getNextSibling()) {
      if (node.getNodeType() == Node.TEXT_NODE || node.getNodeType() == Node.CDATA_SECTION_NODE) {
        text.append(node.getNodeValue());
        any = true;
      }
    }
    return any ? text.toString() : null;
  }

  private static DocumentBuilder secureBuilder() throws ParserConfigurationException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setExpandEntityReferences(false);
    factory.setNamespaceAware(false);
    return factory.newDocumentBuilder();
  }

  /** Values as the SLAP library marshals them: integers as Long (BigInteger beyond), floats as Double. */
  private static Object normalise(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, normalise(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(normalise(v)));
      return copy;
    }
    if (value instanceof BigInteger big) {
      return PythonRepr.integer(big);
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigDecimal || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    return value;
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
