package org.slapos.collect.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PythonNumbersTest {
  @Test
  void writesFloatsAsPythonStrDoes() {
    assertEquals("0.0", PythonNumbers.repr(0));
    assertEquals("12.0", PythonNumbers.repr(12));
    assertEquals("0.1", PythonNumbers.repr(0.1));
    assertEquals("-3.25", PythonNumbers.repr(-3.25));
    assertEquals("1733450000.12", PythonNumbers.repr(1733450000.12));
    assertEquals("0.0001", PythonNumbers.repr(0.0001));
    assertEquals("1e-05", PythonNumbers.repr(0.00001));
    assertEquals("1.5e-07", PythonNumbers.repr(0.00000015));
    assertEquals("1234567890123456.0", PythonNumbers.repr(1234567890123456.0));
    assertEquals("1e+16", PythonNumbers.repr(1e16));
    assertEquals("2.5e+20", PythonNumbers.repr(2.5e20));
  }
}
