package org.slapos.proxy;

import java.util.Map;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.MarshalException;

/**
 * The fields of a request: the form body for POST, the query string for GET (slapproxy reads
 * {@code request.form} and {@code request.args}, never both). A missing or malformed field is a 400
 * with a message, where slapproxy answered 400 without one, or 500.
 */
final class Fields {
  private final Map<String, String> values;

  Fields(Map<String, String> values) {
    this.values = values;
  }

  String required(String name) throws HttpFailure {
    String value = values.get(name);
    if (value == null) {
      throw HttpFailure.badRequest("Missing field " + name);
    }
    return value;
  }

  String optional(String name) {
    return values.get(name);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** A marshalled field, decoded; {@code fallback} when absent. */
  Object marshalled(String name, Object fallback) throws HttpFailure {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    return unmarshal(name, text);
  }

  Object requiredMarshalled(String name) throws HttpFailure {
    return unmarshal(name, required(name));
  }

  private static Object unmarshal(String name, String text) throws HttpFailure {
    try {
      return Marshal.loads(text);
    } catch (MarshalException e) {
      throw HttpFailure.badRequest("Field " + name + " is not valid marshalled XML: " + e.getMessage());
    }
  }
}
