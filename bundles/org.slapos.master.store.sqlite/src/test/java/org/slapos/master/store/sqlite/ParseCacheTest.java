package org.slapos.master.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slapos.slap.marshal.InstanceXml;
import org.slapos.slap.marshal.Marshal;

/** The cache of parsed XML columns is bounded by the size of what it holds, not by a count. */
class ParseCacheTest {

  private static String xml(String value) {
    return InstanceXml.dumps(Map.of("p", value));
  }

  @Test
  void repeatedTextIsParsedOnce() {
    ParseCache cache = new ParseCache(1 << 20);
    String text = xml("a");
    Map<String, String> first = cache.instanceXml(text);
    assertEquals(Map.of("p", "a"), first);
    assertSame(first, cache.instanceXml(new String(text)));
    assertEquals(1, cache.size());
    assertEquals(ParseCache.weight(text), cache.bytes());
  }

  @Test
  void staysWithinItsByteBoundEvictingTheLeastRecentlyUsed() {
    String a = xml("a".repeat(1000));
    long bound = 4 * ParseCache.weight(a) + 10; // room for four documents of this size
    ParseCache cache = new ParseCache(bound);
    Map<String, String> parsedA = cache.instanceXml(a);
    Map<String, String> parsedB = cache.instanceXml(xml("b".repeat(1000)));
    cache.instanceXml(xml("c".repeat(1000)));
    cache.instanceXml(xml("d".repeat(1000)));
    assertEquals(4, cache.size());
    cache.instanceXml(a); // a is now the most recently used: b is the eldest
    cache.instanceXml(xml("e".repeat(1000)));
    assertEquals(4, cache.size());
    assertTrue(cache.bytes() <= bound, cache.bytes() + " > " + bound);
    assertSame(parsedA, cache.instanceXml(a), "the recently used entry stayed");
    assertNotSame(parsedB, cache.instanceXml(xml("b".repeat(1000))), "the eldest was evicted and parsed again");
    for (int i = 0; i < 100; i++) {
      cache.instanceXml(xml(i + "x".repeat(1000)));
      assertTrue(cache.bytes() <= bound);
    }
  }

  @Test
  void aDocumentLargerThanAQuarterOfTheBoundIsParsedButNotKept() {
    String small = xml("s");
    String huge = xml("h".repeat(10_000));
    ParseCache cache = new ParseCache(4 * ParseCache.weight(huge) - 1);
    cache.instanceXml(small);
    Map<String, String> first = cache.instanceXml(huge);
    assertEquals("h".repeat(10_000), first.get("p"));
    assertNotSame(first, cache.instanceXml(huge));
    assertEquals(1, cache.size(), "the small entry was not pushed out");
  }

  @Test
  void slaveListsShareTheBound() {
    String list = Marshal.dumps(List.of(Map.of("slave_reference", "_s", "x", "y".repeat(500))));
    long bound = 4 * ParseCache.weight(list) + 10;
    ParseCache cache = new ParseCache(bound);
    List<Map<String, Object>> parsed = cache.slaveList(list);
    assertEquals("_s", parsed.get(0).get("slave_reference"));
    assertSame(parsed, cache.slaveList(list));
    for (int i = 0; i < 10; i++) {
      cache.instanceXml(xml(i + "z".repeat(520)));
      assertTrue(cache.bytes() <= bound);
    }
    assertEquals(4, cache.size());
    assertNotSame(parsed, cache.slaveList(list), "evicted by the instance documents");
  }

  @Test
  void zeroKeepsNothingAndNegativeIsRefused() {
    ParseCache none = new ParseCache(0);
    assertEquals(Map.of("p", "a"), none.instanceXml(xml("a")));
    assertEquals(0, none.size());
    assertThrows(IllegalArgumentException.class, () -> new ParseCache(-1));
  }
}
