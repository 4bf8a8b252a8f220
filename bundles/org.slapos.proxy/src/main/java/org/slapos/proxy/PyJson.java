package org.slapos.proxy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.slapos.slap.marshal.PyRepr;

/**
 * JSON as Flask answers it: compact separators, keys sorted by code point, non-ASCII (and DEL) as
 * lower-case {@code \\uXXXX} escapes, floats as Python's {@code repr}, and a final newline.
 */
final class PyJson {
  private final ObjectMapper mapper;

  PyJson() {
    JsonFactoryBuilder builder = new JsonFactoryBuilder();
    builder.characterEscapes(new PythonEscapes());
    builder.enable(JsonWriteFeature.ESCAPE_NON_ASCII);
    builder.disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE);
    JsonFactory factory = builder.build();
    SimpleModule floats = new SimpleModule("python-floats");
    floats.addSerializer(Double.class, new JsonSerializer<Double>() {
      @Override
      public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeNumber(pythonFloat(value));
      }
    });
    this.mapper = JsonMapper.builder(factory).addModule(floats).build();
  }

  private static String pythonFloat(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    return PyRepr.floatRepr(value);
  }

  byte[] bytes(Object value) {
    try {
      return (mapper.writeValueAsString(sorted(value)) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
    }
  }

  /** Maps become TreeMaps ordered by code point, recursively. */
  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      TreeMap<String, Object> result = new TreeMap<>(PyJson::compareCodePoints);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        result.put(String.valueOf(e.getKey()), sorted(e.getValue()));
      }
      return result;
    }
    if (value instanceof Collection<?> list) {
      ArrayList<Object> result = new ArrayList<>(list.size());
      for (Object o : list) {
        result.add(sorted(o));
      }
      return result;
    }
    return value;
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

  /** Standard JSON escapes, plus DEL, which Python's ensure_ascii escapes too. */
  private static final class PythonEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii;

    PythonEscapes() {
      ascii = standardAsciiEscapesForJSON();
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
      return null;
    }
  }
}
