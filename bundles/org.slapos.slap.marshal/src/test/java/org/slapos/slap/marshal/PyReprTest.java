package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected strings were produced by CPython 3.11 {@code repr()} / {@code str()}. */
class PyReprTest {

    @ParameterizedTest(name = "repr({0}) = {1}")
    @CsvSource({
            "5e-324, 5e-324",
            "4.9e-324, 5e-324",
            "1.7976931348623157e308, 1.7976931348623157e+308",
            "2e23, 2e+23",
            "1e23, 1e+23",
            "1e22, 1e+22",
            "8.41e21, 8.41e+21",
            "9007199254740993, 9007199254740992.0",
            "1795345290.669688, 1795345290.669688",
            "1795345290.6599905, 1795345290.6599905",
            "1795346824.3131387, 1795346824.3131387",
            "0.0001, 0.0001",
            "9.999999999999999e-05, 9.999999999999999e-05",
            "1.5e-05, 1.5e-05",
            "1e-7, 1e-07",
            "9.5e-5, 9.5e-05",
            "0.000123, 0.000123",
            "1e16, 1e+16",
            "9999999999999998.0, 9999999999999998.0",
            "1234567890123456.8, 1234567890123456.8",
            "123456789012345680.0, 1.2345678901234568e+17",
            "1152921504606846976, 1.152921504606847e+18",
            "9.313225746154785e-10, 9.313225746154785e-10",
            "8.98846567431158e307, 8.98846567431158e+307",
            "2.2250738585072014e-308, 2.2250738585072014e-308",
            "2.225073858507201e-308, 2.225073858507201e-308",
            "1.5e-323, 1.5e-323",
            "1e300, 1e+300",
            "0.3, 0.3",
            "4.35, 4.35",
            "1.0000000000000002, 1.0000000000000002",
            "100, 100.0",
            "7, 7.0",
            "1.5, 1.5",
            "-1.5, -1.5",
            "123456789.123, 123456789.123",
            "0, 0.0",
            "-0.0, -0.0",
            "Infinity, inf",
            "-Infinity, -inf",
            "NaN, nan"})
    void formatsFloatsLikePython(String javaLiteral, String pythonRepr) {
        assertEquals(pythonRepr, PyRepr.floatRepr(Double.parseDouble(javaLiteral)));
    }

    @Test
    void formatsComputedFloatsLikePython() {
        assertEquals("0.30000000000000004", PyRepr.floatRepr(0.1 + 0.2));
        assertEquals("0.6666666666666666", PyRepr.floatRepr(2.0 / 3));
        assertEquals("1000000000000000.2", PyRepr.floatRepr(1e15 + 0.3));
        assertEquals("1e+16", PyRepr.str(1e16));
        assertEquals("0.10000000149011612", PyRepr.repr(0.1f));
    }

    @Test
    void matchesCPythonOnThousandsOfFloats() {
        // Random bit patterns, timestamps, powers of two, subnormals and the notation boundaries.
        List<String> mismatches = new ArrayList<>();
        int cases = 0;
        for (String line : TestResources.text("float-repr-cases.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] bitsAndRepr = line.split(" ");
            double value = Double.longBitsToDouble(Long.parseUnsignedLong(bitsAndRepr[0], 16));
            String actual = PyRepr.floatRepr(value);
            if (!actual.equals(bitsAndRepr[1])) {
                mismatches.add(bitsAndRepr[0] + ": expected " + bitsAndRepr[1] + ", got " + actual);
            }
            cases++;
        }
        assertEquals(7645, cases);
        assertEquals(List.of(), mismatches);
    }

    @Test
    void quotesStringsLikePython() {
        assertEquals("'abc'", PyRepr.repr("abc"));
        assertEquals("\"a'b\"", PyRepr.repr("a'b"));
        assertEquals("'a\"b'", PyRepr.repr("a\"b"));
        assertEquals("'a\\'\"b'", PyRepr.repr("a'\"b"));
        assertEquals("''", PyRepr.repr(""));
    }

    @Test
    void escapesStringsLikePython() {
        String text = "\u0000\u001f\u007f\u0080\u00a0\u00ad \u00e9\u2028\ud83d\ude00\ud800\udb40\udc01\t\n\r\\";
        assertEquals("'\\x00\\x1f\\x7f\\x80\\xa0\\xad \u00e9\\u2028\ud83d\ude00\\ud800\\U000e0001\\t\\n\\r\\\\'",
                PyRepr.repr(text));
        assertEquals("'\u4e2d\u6587'", PyRepr.repr("\u4e2d\u6587"));
    }

    @Test
    void writesScalarsLikePython() {
        assertEquals("None", PyRepr.repr(null));
        assertEquals("True", PyRepr.repr(true));
        assertEquals("False", PyRepr.str(false));
        assertEquals("42", PyRepr.repr(42L));
        assertEquals("-7", PyRepr.repr(-7));
        assertEquals("100000000000000000000000000", PyRepr.repr(BigInteger.TEN.pow(26)));
        assertEquals("abc", PyRepr.str("abc"));
        assertEquals("caf\u00e9", PyRepr.str("caf\u00e9".getBytes(StandardCharsets.UTF_8)));
        assertEquals("'x'", PyRepr.repr("x".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writesContainersLikePython() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("k", List.of(1.5, true));
        List<Object> list = Arrays.asList(1L, "a", null, PyTuple.of(1L), PyTuple.of(), inner, Set.of());
        assertEquals("[1, 'a', None, (1,), (), {'k': [1.5, True]}, set()]", PyRepr.repr(list));
        assertEquals(PyRepr.repr(list), PyRepr.str(list));
        assertEquals("(1, 'b')", PyRepr.repr(PyTuple.of(1L, "b")));
        assertEquals("{1}", PyRepr.repr(new LinkedHashSet<>(List.of(1L))));
        assertEquals("{}", PyRepr.repr(Map.of()));
        assertEquals("[]", PyRepr.repr(List.of()));
        assertEquals("{'k': 1}", PyRepr.str(Map.of("k", 1L)));
        assertEquals("<slapos.slap.slap.Computer object>", PyRepr.repr(SlapObject.computer("c")));
    }

    @Test
    void cutsCyclesLikePython() {
        List<Object> list = new ArrayList<>();
        list.add(1L);
        list.add(list);
        assertEquals("[1, [...]]", PyRepr.repr(list));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("self", map);
        assertEquals("{'self': {...}}", PyRepr.repr(map));
    }

    @Test
    void refusesTypesWithoutPythonEquivalent() {
        IllegalArgumentException problem = assertThrows(IllegalArgumentException.class,
                () -> PyRepr.repr(new Object()));
        assertEquals("No Python representation for java.lang.Object", problem.getMessage());
    }
}
