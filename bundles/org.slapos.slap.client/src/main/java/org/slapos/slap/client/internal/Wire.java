package org.slapos.slap.client.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slapos.slap.api.SlapException;
import org.slapos.slap.marshal.InstanceXml;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.MarshalException;
import org.slapos.slap.marshal.MarshalLimits;
import org.slapos.slap.marshal.PyRepr;
import org.slapos.slap.marshal.PyTuple;

/** The one place that talks to the marshal bundle, so that codec failures become SLAP exceptions. */
final class Wire {

  /**
   * A busy front-end node's getFullComputerInformation can be far larger than the codec's 8 MiB
   * default (thousands of shared instances), so the client accepts more.
   */
  private static final MarshalLimits LIMITS = new MarshalLimits(128 * 1024 * 1024, 256, 20_000_000);

  private Wire() {
  }

  static String dumps(Object value) throws SlapException {
    try {
      return Marshal.dumps(normalise(value));
    } catch (MarshalException | IllegalArgumentException e) {
      throw new SlapException("Cannot marshal " + describe(value) + ": " + e.getMessage(), e);
    }
  }

  static Object loads(String xml, String what) throws SlapException {
    try {
      return Marshal.loads(xml, LIMITS);
    } catch (MarshalException | IllegalArgumentException e) {
      throw new SlapException("Malformed answer to " + what + ": " + e.getMessage(), e);
    }
  }

  /** xml2dict; values are strings or null. */
  static Map<String, Object> xml2dict(String xml, String what) throws SlapException {
    try {
      return new LinkedHashMap<>(InstanceXml.loads(xml));
    } catch (MarshalException | IllegalArgumentException e) {
      throw new SlapException("Malformed instance XML in " + what + ": " + e.getMessage(), e);
    }
  }

  /** Python repr, e.g. of a params dict in a NotFoundError message. */
  static String repr(Object value) {
    try {
      return PyRepr.repr(value);
    } catch (RuntimeException e) {
      return String.valueOf(value);
    }
  }

  /**
   * Brings caller values to the codec's value model so that equal Python values compare equal in
   * Java: Integer/Short/Byte become Long, Float becomes Double, collections are copied.
   */
  static Object normalise(Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof BigInteger big && big.bitLength() < 64) {
      return big.longValue();
    }
    if (value instanceof PyTuple tuple) {
      List<Object> items = new ArrayList<>(tuple.size());
      for (Object item : tuple) {
        items.add(normalise(item));
      }
      return PyTuple.copyOf(items);
    }
    if (value instanceof List<?> list) {
      List<Object> items = new ArrayList<>(list.size());
      for (Object item : list) {
        items.add(normalise(item));
      }
      return items;
    }
    if (value instanceof Set<?> set) {
      Set<Object> items = new LinkedHashSet<>();
      for (Object item : set) {
        items.add(normalise(item));
      }
      return items;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        copy.put(normalise(e.getKey()), normalise(e.getValue()));
      }
      return copy;
    }
    return value;
  }

  private static String describe(Object value) {
    return value == null ? "None" : value.getClass().getSimpleName();
  }
}
