package org.slapos.format.impl;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The state file's layout: what {@code lxml.etree.tostring(root, pretty_print=True)} makes of the
 * marshalled computer. Two spaces per level, one element per line, empty elements as
 * {@code <name/>}, ASCII output with decimal character references, a final newline. Marshal XML
 * has no mixed content, so an element holds either text or elements.
 */
final class PrettyXml {
  private PrettyXml() {
  }

  /** A parsed element: name, attributes in document order, text or children. */
  private static final class Node {
    final String name;
    final List<String[]> attributes = new ArrayList<>();
    final List<Node> children = new ArrayList<>();
    final StringBuilder text = new StringBuilder();

    Node(String name) {
      this.name = name;
    }
  }

  static byte[] prettify(String xml) {
    Node root = parse(xml);
    StringBuilder out = new StringBuilder(xml.length() * 2);
    write(root, 0, out);
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static Node parse(String xml) {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
    factory.setXMLResolver((publicId, systemId, baseUri, ns) -> {
      throw new XMLStreamException("external entities are not allowed");
    });
    try {
      XMLStreamReader reader = factory.createXMLStreamReader(new StringReader(xml));
      List<Node> stack = new ArrayList<>();
      Node root = null;
      while (reader.hasNext()) {
        int event = reader.next();
        switch (event) {
          case XMLStreamConstants.START_ELEMENT -> {
            Node node = new Node(reader.getLocalName());
            for (int i = 0; i < reader.getAttributeCount(); i++) {
              node.attributes.add(new String[] {reader.getAttributeLocalName(i), reader.getAttributeValue(i)});
            }
            if (stack.isEmpty()) {
              root = node;
            } else {
              stack.get(stack.size() - 1).children.add(node);
            }
            stack.add(node);
          }
          case XMLStreamConstants.END_ELEMENT -> stack.remove(stack.size() - 1);
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
            if (!stack.isEmpty()) {
              stack.get(stack.size() - 1).text.append(reader.getText());
            }
          }
          default -> {
          }
        }
      }
      if (root == null) {
        throw new IllegalArgumentException("empty marshal XML");
      }
      return root;
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("cannot re-read marshal XML: " + e.getMessage(), e);
    }
  }

  private static void write(Node node, int depth, StringBuilder out) {
    out.append("  ".repeat(depth)).append('<').append(node.name);
    for (String[] a : node.attributes) {
      out.append(' ').append(a[0]).append("=\"");
      escape(a[1], true, out);
      out.append('"');
    }
    if (node.children.isEmpty()) {
      if (node.text.length() == 0) {
        out.append("/>\n");
      } else {
        out.append('>');
        escape(node.text, false, out);
        out.append("</").append(node.name).append(">\n");
      }
      return;
    }
    out.append(">\n");
    for (Node child : node.children) {
      write(child, depth + 1, out);
    }
    out.append("  ".repeat(depth)).append("</").append(node.name).append(">\n");
  }

  private static void escape(CharSequence text, boolean attribute, StringBuilder out) {
    for (int i = 0; i < text.length();) {
      int c = Character.codePointAt(text, i);
      i += Character.charCount(c);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '\r' -> out.append("&#13;");
        case '"' -> out.append(attribute ? "&quot;" : "\"");
        case '\n' -> out.append(attribute ? "&#10;" : "\n");
        case '\t' -> out.append(attribute ? "&#9;" : "\t");
        default -> {
          if (c > 126) {
            out.append("&#").append(c).append(';');
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    }
  }
}
