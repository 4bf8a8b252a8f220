package org.slapos.cache.api;

import java.util.List;

/**
 * What the binary directory holds for one key, as {@code slapos cache lookup} shows it.
 *
 * @param key the shadir key (md5 hex of the Software Release URL)
 * @param entries every entry under the key, trusted or not, in server order
 */
public record CacheLookup(String key, List<CacheEntry> entries) {
  public CacheLookup {
    entries = List.copyOf(entries);
  }
}
