package org.slapos.supervisor.impl;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The part of XML-RPC that supervisord speaks: a {@code methodCall} with string, int, boolean, array
 * and struct parameters, and a {@code methodResponse} holding one value or a {@code fault}.
 * Values map to {@link String}, {@link Integer}, {@link Boolean}, {@link Double}, {@link List} and
 * {@link Map} (insertion-ordered). The parser refuses DTDs and external entities and bounds the nesting.
 */
final class XmlRpc {
  /** Deeper than anything supervisord answers; bounds a hostile or broken peer. */
  static final int MAX_DEPTH = 32;

  private XmlRpc() {
  }

  /** A {@code fault} answer: supervisord's code ({@code 10} BAD_NAME, {@code 6} SHUTDOWN_STATE...) and text. */
  static final class Fault extends Exception {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final String text;

    Fault(int code, String text) {
      super(text + " (fault " + code + ")");
      this.code = code;
      this.text = text;
    }

    int code() {
      return code;
    }

    /** The fault string, e.g. {@code BAD_NAME: slappart9}. */
    String text() {
      return text;
    }
  }

  /** An answer that is not XML-RPC. */
  static final class MalformedResponse extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedResponse(String message, Throwable cause) {
      super(message, cause);
    }

    MalformedResponse(String message) {
      super(message);
    }
  }

  /** The request body for {@code method(parameters...)}. */
  static byte[] call(String method, Object... parameters) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>")
        .append(escape(method)).append("</methodName>\n<params>\n");
    for (Object parameter : parameters) {
      xml.append("<param>\n");
      value(xml, parameter, 0);
      xml.append("</param>\n");
    }
    xml.append("</params>\n</methodCall>\n");
    return xml.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void value(StringBuilder xml, Object value, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("XML-RPC value nested deeper than " + MAX_DEPTH);
    }
    xml.append("<value>");
    if (value instanceof String text) {
      xml.append("<string>").append(escape(text)).append("</string>");
    } else if (value instanceof Boolean flag) {
      xml.append("<boolean>").append(flag ? '1' : '0').append("</boolean>");
    } else if (value instanceof Integer number) {
      xml.append("<int>").append(number).append("</int>");
    } else if (value instanceof List<?> list) {
      xml.append("<array><data>\n");
      for (Object item : list) {
        value(xml, item, depth + 1);
      }
      xml.append("</data></array>");
    } else if (value instanceof Map<?, ?> map) {
      xml.append("<struct>\n");
      for (Map.Entry<?, ?> member : map.entrySet()) {
        xml.append("<member><name>").append(escape(String.valueOf(member.getKey()))).append("</name>");
        value(xml, member.getValue(), depth + 1);
        xml.append("</member>\n");
      }
      xml.append("</struct>");
    } else {
      throw new IllegalArgumentException("No XML-RPC type for " + (value == null ? "null" : value.getClass().getName()));
    }
    xml.append("</value>\n");
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '\r' -> out.append("&#13;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            throw new IllegalArgumentException("XML cannot carry the control character " + (int) c);
          }
          out.append(c);
        }
      }
    }
    return out.toString();
  }

  /**
   * The value of a {@code methodResponse}.
   *
   * @throws Fault when the response is a fault
   * @throws MalformedResponse when it is not an XML-RPC response
   */
  static Object response(byte[] body) throws Fault, MalformedResponse {
    XMLStreamReader reader;
    try {
      reader = inputFactory().createXMLStreamReader(new ByteArrayInputStream(body));
    } catch (XMLStreamException e) {
      throw new MalformedResponse("Unreadable XML-RPC response: " + e.getMessage(), e);
    }
    try {
      nextElement(reader, "methodResponse");
      String outcome = nextElement(reader, null);
      if (outcome.equals("fault")) {
        nextElement(reader, "value");
        Object fault = readValue(reader, 0);
        if (!(fault instanceof Map<?, ?> members) || !(members.get("faultCode") instanceof Integer code)) {
          throw new MalformedResponse("XML-RPC fault without an integer faultCode: " + fault);
        }
        throw new Fault(code, String.valueOf(members.get("faultString")));
      }
      if (!outcome.equals("params")) {
        throw new MalformedResponse("XML-RPC response holds <" + outcome + ">, expected <params> or <fault>");
      }
      nextElement(reader, "param");
      nextElement(reader, "value");
      return readValue(reader, 0);
    } catch (XMLStreamException e) {
      throw new MalformedResponse("Malformed XML-RPC response: " + e.getMessage(), e);
    } finally {
      try {
        reader.close();
      } catch (XMLStreamException e) {
        // Nothing is held open by a reader over a byte array.
      }
    }
  }

  /** No DTD, no external entities, no entity resolution that could fetch anything. */
  private static XMLInputFactory inputFactory() {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    factory.setXMLResolver((publicId, systemId, base, namespace) -> {
      throw new XMLStreamException("External entity refused: " + systemId);
    });
    return factory;
  }

  /** Moves to the next start element, which must be {@code expected} when given; returns its name. */
  private static String nextElement(XMLStreamReader reader, String expected) throws XMLStreamException, MalformedResponse {
    while (reader.hasNext()) {
      int event = reader.next();
      if (event == XMLStreamConstants.DTD) {
        throw new MalformedResponse("XML-RPC response with a DTD refused");
      }
      if (event == XMLStreamConstants.ENTITY_REFERENCE) {
        throw new MalformedResponse("XML-RPC response with an entity reference refused: " + reader.getLocalName());
      }
      if (event == XMLStreamConstants.START_ELEMENT) {
        String name = reader.getLocalName();
        if (expected != null && !expected.equals(name)) {
          throw new MalformedResponse("XML-RPC response holds <" + name + ">, expected <" + expected + ">");
        }
        return name;
      }
      if (event == XMLStreamConstants.END_ELEMENT && expected != null) {
        throw new MalformedResponse("XML-RPC response ends </" + reader.getLocalName() + "> where <" + expected
            + "> was expected");
      }
    }
    throw new MalformedResponse("XML-RPC response ends early; expected <" + (expected == null ? "element" : expected) + ">");
  }

  /** Reads a value; the reader is on {@code <value>} and ends on {@code </value>}. */
  private static Object readValue(XMLStreamReader reader, int depth) throws XMLStreamException, MalformedResponse {
    if (depth > MAX_DEPTH) {
      throw new MalformedResponse("XML-RPC value nested deeper than " + MAX_DEPTH);
    }
    StringBuilder text = new StringBuilder();
    Object value = null;
    boolean typed = false;
    while (reader.hasNext()) {
      int event = reader.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> text.append(reader.getText());
        case XMLStreamConstants.ENTITY_REFERENCE ->
            throw new MalformedResponse("XML-RPC response with an entity reference refused: " + reader.getLocalName());
        case XMLStreamConstants.START_ELEMENT -> {
          if (typed) {
            throw new MalformedResponse("XML-RPC <value> holds two values");
          }
          typed = true;
          value = typed(reader, reader.getLocalName(), depth);
        }
        case XMLStreamConstants.END_ELEMENT -> {
          // An untyped <value>text</value> is a string.
          return typed ? value : text.toString();
        }
        default -> {
          // Comments and processing instructions carry nothing.
        }
      }
    }
    throw new MalformedResponse("XML-RPC response ends inside a <value>");
  }

  private static Object typed(XMLStreamReader reader, String type, int depth) throws XMLStreamException, MalformedResponse {
    switch (type) {
      case "string":
        return reader.getElementText();
      case "int", "i4", "i8": {
        String text = reader.getElementText().strip();
        try {
          return Integer.valueOf(text);
        } catch (NumberFormatException e) {
          throw new MalformedResponse("XML-RPC <" + type + "> is not an integer: " + text, e);
        }
      }
      case "boolean": {
        String text = reader.getElementText().strip();
        if (!text.equals("0") && !text.equals("1")) {
          throw new MalformedResponse("XML-RPC <boolean> is neither 0 nor 1: " + text);
        }
        return text.equals("1");
      }
      case "double": {
        String text = reader.getElementText().strip();
        try {
          return Double.valueOf(text);
        } catch (NumberFormatException e) {
          throw new MalformedResponse("XML-RPC <double> is not a number: " + text, e);
        }
      }
      case "nil":
        reader.getElementText();
        return null;
      case "array":
        return array(reader, depth);
      case "struct":
        return struct(reader, depth);
      default:
        throw new MalformedResponse("Unsupported XML-RPC type <" + type + ">");
    }
  }

  private static List<Object> array(XMLStreamReader reader, int depth) throws XMLStreamException, MalformedResponse {
    nextElement(reader, "data");
    List<Object> items = new ArrayList<>();
    while (reader.hasNext()) {
      int event = reader.nextTag();
      if (event == XMLStreamConstants.END_ELEMENT) {
        // </data>, then </array>.
        reader.nextTag();
        return items;
      }
      if (!reader.getLocalName().equals("value")) {
        throw new MalformedResponse("XML-RPC <data> holds <" + reader.getLocalName() + ">");
      }
      items.add(readValue(reader, depth + 1));
    }
    throw new MalformedResponse("XML-RPC response ends inside an <array>");
  }

  private static Map<String, Object> struct(XMLStreamReader reader, int depth) throws XMLStreamException, MalformedResponse {
    Map<String, Object> members = new LinkedHashMap<>();
    while (reader.hasNext()) {
      int event = reader.nextTag();
      if (event == XMLStreamConstants.END_ELEMENT) {
        return members;
      }
      if (!reader.getLocalName().equals("member")) {
        throw new MalformedResponse("XML-RPC <struct> holds <" + reader.getLocalName() + ">");
      }
      nextElement(reader, "name");
      String name = reader.getElementText();
      nextElement(reader, "value");
      members.put(name, readValue(reader, depth + 1));
      reader.nextTag(); // </member>
    }
    throw new MalformedResponse("XML-RPC response ends inside a <struct>");
  }
}
