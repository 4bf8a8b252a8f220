package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyJsonTest {
  private final Map<String, Object> value = new LinkedHashMap<>();

  PyJsonTest() {
    value.put("b", List.of(1L, 2.5, true));
    value.put("a", null);
    value.put("é", "x\u007f\"");
  }

  @Test
  void defaultSeparatorsKeepMapOrder() {
    assertEquals("{\"b\": [1, 2.5, true], \"a\": null, \"\\u00e9\": \"x\\u007f\\\"\"}", PyJson.dumps(value));
  }

  @Test
  void compactSortedAsFlask() {
    assertEquals("{\"a\":null,\"b\":[1,2.5,true],\"\\u00e9\":\"x\\u007f\\\"\"}", PyJson.compact(value, true));
  }

  @Test
  void indentedWithCommaAtLineEnds() {
    assertEquals("{\n  \"a\": null,\n  \"b\": [\n    1,\n    2.5,\n    true\n  ],\n  \"\\u00e9\": \"x\\u007f\\\"\"\n}",
        PyJson.dumps(value, 2, true));
    assertEquals("[]", PyJson.dumps(List.of(), 2, true));
  }

  @Test
  void nonFiniteFloatsAndAstralCharacters() {
    assertEquals("[NaN, -Infinity, \"\\ud83d\\ude00\"]",
        PyJson.dumps(List.of(Double.NaN, Double.NEGATIVE_INFINITY, "\uD83D\uDE00")));
  }

  @Test
  void refusesWhatJsonCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> PyJson.dumps(new Object()));
  }
}
