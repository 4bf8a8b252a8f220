package org.slapos.slap.client.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slapos.slap.api.SlapDocument;

/**
 * Base of every object that mirrors a Python SLAP object: the attributes live in one map, named as on
 * the wire, and presence matters (Python's {@code hasattr}) as much as the value, which may be null.
 */
abstract class Document implements SlapDocument {

  private final Map<String, Object> attributes = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, Object> view = Collections.unmodifiableMap(attributes);

  @Override
  public Map<String, Object> getAttributes() {
    return view;
  }

  final boolean has(String name) {
    return attributes.containsKey(name);
  }

  final Object attribute(String name) {
    return attributes.get(name);
  }

  final String stringAttribute(String name) {
    Object value = attributes.get(name);
    return value == null ? null : value.toString();
  }

  final void set(String name, Object value) {
    attributes.put(name, value);
  }

  /** Python's {@code __dict__.update(other)}: every attribute, known or not. */
  final void setAll(Map<String, Object> values) {
    attributes.putAll(values);
  }

  final Map<String, Object> snapshot() {
    synchronized (attributes) {
      return new LinkedHashMap<>(attributes);
    }
  }

  /** Python truthiness, for flags such as {@code _synced} that the master may send as bool or int. */
  static boolean truthy(Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (value instanceof CharSequence s) {
      return s.length() > 0;
    }
    if (value instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (value instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }
}
