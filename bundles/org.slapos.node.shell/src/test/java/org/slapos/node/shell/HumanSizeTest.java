package org.slapos.node.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HumanSizeTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0 B|0",
      "1000M|1048576000",
      "1 K|1024",
      "1 k|1024",
      "1 M|1048576",
      "1 Gi|1073741824",
      "1 tera|1099511627776",
      "0.5kilo|512",
      "0.1  byte|0",
      "2KB|2048",
      "3 Mi|3145728",
      "1 mebi|1048576",
      "42|42",
      "1.5G|1610612736",
      ".5K|512",
      "2T|2199023255552"})
  void readsTheOriginalsUnits(String text, long bytes) {
    assertEquals(bytes, HumanSize.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"12 foo", "1m", "M", "", "-1M", "1.2.3K", " 1M", "1 KiB", "10Y"})
  void rejectsWhatTheOriginalRejects(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HumanSize.parse(text));
    assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
  }
}
