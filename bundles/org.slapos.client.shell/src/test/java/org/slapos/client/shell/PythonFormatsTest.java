package org.slapos.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slapos.slap.marshal.PyJson;
import org.slapos.slap.marshal.PyRepr;

/** pprint.pformat, repr and json.dumps against outputs produced by CPython 3.11. */
class PythonFormatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Each line of the vectors file: [json.dumps(value), pformat(value), dumps(indent=2), dumps(indent=2, sort_keys)]. */
  static Stream<Arguments> vectors() throws Exception {
    List<Arguments> cases = new ArrayList<>();
    for (String line : ScriptedMaster.resource("python-format-vectors.jsonl").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      List<?> vector = JSON.readValue(line, List.class);
      cases.add(Arguments.of(vector.get(0), vector.get(1), vector.get(2), vector.get(3)));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void pformatMatchesPython(String input, String pformat, String indented, String sorted) throws Exception {
    assertEquals(pformat, PythonPrettyPrinter.pformat(JSON.readValue(input, Object.class)));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void jsonDumpsMatchesPython(String input, String pformat, String indented, String sorted) throws Exception {
    Object value = JSON.readValue(input, Object.class);
    assertEquals(indented, PyJson.dumps(value, 2, false));
    assertEquals(sorted, PyJson.dumps(value, 2, true));
  }

  @ParameterizedTest
  @CsvSource({
      "0.1, 0.1", "0.3333333333333333, 0.3333333333333333", "1e22, 1e+22",
      "123456789012345680.0, 1.2345678901234568e+17", "1.7976931348623157e308, 1.7976931348623157e+308",
      "5e-324, 5e-324", "0.0001, 0.0001", "0.00001, 1e-05", "2.5, 2.5", "1795346824.3131387, 1795346824.3131387",
      "-0.0, -0.0", "100.0, 100.0", "1e15, 1000000000000000.0", "1e16, 1e+16", "-1.5e-7, -1.5e-07"})
  void floatReprMatchesPython(double value, String expected) {
    assertEquals(expected, PyRepr.floatRepr(value));
  }

  @Test
  void wrapsParametersLikePythonJsonDumps() {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("b", List.of(1L, 2L));
    parameters.put("a", "\u00e9");
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("d", null);
    nested.put("e", 1.5);
    nested.put("f", true);
    parameters.put("c", nested);
    assertEquals("{\n  \"b\": [\n    1,\n    2\n  ],\n  \"a\": \"\\u00e9\",\n  \"c\": {\n    \"d\": null,\n"
        + "    \"e\": 1.5,\n    \"f\": true\n  }\n}", PyJson.dumps(parameters, 2, false));
  }

  @Test
  void reprChoosesQuotesLikePython() {
    assertEquals("'plain'", PythonRepr.str("plain"));
    assertEquals("\"it's\"", PythonRepr.str("it's"));
    assertEquals("'a\\'b\"c'", PythonRepr.str("a'b\"c"));
    assertEquals("'back\\\\slash\\n'", PythonRepr.str("back\\slash\n"));
  }
}
