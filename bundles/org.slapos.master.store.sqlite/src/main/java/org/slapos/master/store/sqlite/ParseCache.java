package org.slapos.master.store.sqlite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slapos.slap.marshal.InstanceXml;
import org.slapos.slap.marshal.Marshal;
import org.slapos.slap.marshal.MarshalException;

/**
 * Parsed forms of the XML columns, by their text: most partitions keep the same parameters for a
 * long time, so a node polling its computer information mostly hits this cache. Values are deeply
 * immutable, so they can be shared between callers.
 */
final class ParseCache {

  private final Map<String, Map<String, String>> instanceXml;
  private final Map<String, List<Map<String, Object>>> slaveLists;

  ParseCache(int capacity) {
    this.instanceXml = lru(capacity);
    this.slaveLists = lru(capacity);
  }

  private static <V> Map<String, V> lru(int capacity) {
    return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    });
  }

  /** {@code xml2dict}: empty for null or empty text. */
  Map<String, String> instanceXml(String xml) {
    if (xml == null || xml.isEmpty()) {
      return Map.of();
    }
    Map<String, String> cached = instanceXml.get(xml);
    if (cached == null) {
      cached = Collections.unmodifiableMap(new LinkedHashMap<>(InstanceXml.loads(xml)));
      instanceXml.put(xml, cached);
    }
    return cached;
  }

  /** A host's {@code slave_instance_list}: a marshalled list of dictionaries. */
  List<Map<String, Object>> slaveList(String marshalled) {
    if (marshalled == null || marshalled.isEmpty()) {
      return List.of();
    }
    List<Map<String, Object>> cached = slaveLists.get(marshalled);
    if (cached == null) {
      Object value = Marshal.loads(marshalled);
      if (!(value instanceof List<?> list)) {
        throw new MarshalException("slave_instance_list is not a list");
      }
      List<Map<String, Object>> result = new ArrayList<>(list.size());
      for (Object entry : list) {
        if (!(entry instanceof Map<?, ?> map)) {
          throw new MarshalException("slave_instance_list holds a non-dictionary entry");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          copy.put(String.valueOf(e.getKey()), frozen(e.getValue()));
        }
        result.add(Collections.unmodifiableMap(copy));
      }
      cached = Collections.unmodifiableList(result);
      slaveLists.put(marshalled, cached);
    }
    return cached;
  }

  /** A deeply immutable copy of a marshal value (lists, maps and sets are copied; tuples are immutable). */
  static Object frozen(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        copy.put(e.getKey(), frozen(e.getValue()));
      }
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof Set<?> set) {
      Set<Object> copy = new LinkedHashSet<>();
      for (Object o : set) {
        copy.add(frozen(o));
      }
      return Collections.unmodifiableSet(copy);
    }
    if (value instanceof List<?> list && !(value instanceof org.slapos.slap.marshal.PyTuple)) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object o : list) {
        copy.add(frozen(o));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
