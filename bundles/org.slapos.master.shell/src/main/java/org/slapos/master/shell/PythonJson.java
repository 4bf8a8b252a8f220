package org.slapos.master.shell;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slapos.slap.marshal.PyRepr;

/** {@code json.dumps(json.loads(text), indent=2, sort_keys=True)}, as {@code proxy show} prints {@code _}. */
final class PythonJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private PythonJson() {
  }

  /** The re-indented JSON, or null when {@code text} is not JSON. */
  static String reindent(String text) {
    JsonNode node;
    try (JsonParser parser = MAPPER.createParser(text)) {
      node = MAPPER.readTree(parser);
      if (node == null || parser.nextToken() != null) {
        return null;
      }
    } catch (IOException e) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    write(node, 0, out);
    return out.toString();
  }

  private static void write(JsonNode node, int level, StringBuilder out) {
    if (node.isObject()) {
      if (node.isEmpty()) {
        out.append("{}");
        return;
      }
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
        fields.add(it.next());
      }
      fields.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
      out.append("{\n");
      for (int i = 0; i < fields.size(); i++) {
        indent(level + 1, out);
        string(fields.get(i).getKey(), out);
        out.append(": ");
        write(fields.get(i).getValue(), level + 1, out);
        out.append(i < fields.size() - 1 ? ",\n" : "\n");
      }
      indent(level, out);
      out.append('}');
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append("[\n");
      for (int i = 0; i < node.size(); i++) {
        indent(level + 1, out);
        write(node.get(i), level + 1, out);
        out.append(i < node.size() - 1 ? ",\n" : "\n");
      }
      indent(level, out);
      out.append(']');
    } else if (node.isTextual()) {
      string(node.asText(), out);
    } else if (node.isIntegralNumber()) {
      out.append(node.bigIntegerValue());
    } else if (node.isNumber()) {
      double d = node.doubleValue();
      out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
          : PyRepr.floatRepr(d));
    } else if (node.isBoolean()) {
      out.append(node.booleanValue() ? "true" : "false");
    } else {
      out.append("null");
    }
  }

  private static void indent(int level, StringBuilder out) {
    out.append("  ".repeat(level));
  }

  /** A JSON string with ensure_ascii. */
  private static void string(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
