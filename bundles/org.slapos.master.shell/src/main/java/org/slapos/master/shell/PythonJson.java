package org.slapos.master.shell;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import org.slapos.slap.marshal.PyJson;

/** {@code json.dumps(json.loads(text), indent=2, sort_keys=True)}, as {@code proxy show} prints {@code _}. */
final class PythonJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private PythonJson() {
  }

  /** The re-indented JSON, or null when {@code text} is not JSON. */
  static String reindent(String text) {
    Object value;
    try (JsonParser parser = MAPPER.createParser(text)) {
      if (parser.nextToken() == null) {
        return null;
      }
      value = MAPPER.readValue(parser, Object.class);
      if (parser.nextToken() != null) {
        return null;
      }
    } catch (IOException e) {
      return null;
    }
    return PyJson.dumps(value, 2, true);
  }
}
