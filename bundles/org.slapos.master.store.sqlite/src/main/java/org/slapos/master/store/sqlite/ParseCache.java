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
 *
 * <p>The cache is bounded by size, not by count, because one document may be anything from a few
 * bytes to the 8 MiB a request body may hold: an entry weighs about twice its text (the text kept as
 * the key, plus the parsed form, which holds the same strings), the least recently used entries go
 * first, and a document heavier than a quarter of the bound is parsed but not kept, so that one huge
 * document cannot push out everything else.
 */
final class ParseCache {

  /** Instance XML and shared-instance lists are cached apart: the same text could be both. */
  private enum Kind { INSTANCE_XML, SLAVE_LIST }

  private record Key(Kind kind, String text) {
  }

  private final long maxBytes;
  /** In access order: the first entry is the least recently used. Guarded by this. */
  private final LinkedHashMap<Key, Object> entries = new LinkedHashMap<>(64, 0.75f, true);
  /** Guarded by this. */
  private long bytes;

  /** @param maxBytes bound of the approximate size of the cache; 0 keeps nothing */
  ParseCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("parse cache size must not be negative: " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /** Approximate bytes held by an entry for {@code text}: the key (UTF-16) and a parsed form as large. */
  static long weight(String text) {
    return 4L * text.length() + 64;
  }

  /** Approximate bytes held now. */
  synchronized long bytes() {
    return bytes;
  }

  /** Entries held now. */
  synchronized int size() {
    return entries.size();
  }

  private synchronized Object get(Kind kind, String text) {
    return entries.get(new Key(kind, text));
  }

  private synchronized void put(Kind kind, String text, Object parsed) {
    long weight = weight(text);
    if (weight > maxBytes / 4 || entries.putIfAbsent(new Key(kind, text), parsed) != null) {
      return;
    }
    bytes += weight;
    var eldest = entries.keySet().iterator();
    while (bytes > maxBytes) {
      bytes -= weight(eldest.next().text());
      eldest.remove();
    }
  }

  /** {@code xml2dict}: empty for null or empty text. */
  Map<String, String> instanceXml(String xml) {
    if (xml == null || xml.isEmpty()) {
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    Map<String, String> cached = (Map<String, String>) get(Kind.INSTANCE_XML, xml);
    if (cached == null) {
      cached = Collections.unmodifiableMap(new LinkedHashMap<>(InstanceXml.loads(xml)));
      put(Kind.INSTANCE_XML, xml, cached);
    }
    return cached;
  }

  /** A host's {@code slave_instance_list}: a marshalled list of dictionaries. */
  List<Map<String, Object>> slaveList(String marshalled) {
    if (marshalled == null || marshalled.isEmpty()) {
      return List.of();
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> cached = (List<Map<String, Object>>) get(Kind.SLAVE_LIST, marshalled);
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
      put(Kind.SLAVE_LIST, marshalled, cached);
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
