package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceXmlTest {

    private static final String DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n";

    @Test
    void writesTheDocumentedExample() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("t", true);
        parameters.put("n", null);
        parameters.put("e", "");
        parameters.put("b", "x<y&z>\"q'");
        parameters.put("a\"<>&\t", 1L);
        parameters.put("\u00e9", "\u0436");
        parameters.put("_", "{\n  \"a\": 1\n}");
        String expected = DECLARATION
                + "<instance>\n"
                + "  <parameter id=\"_\">{\n  \"a\": 1\n}</parameter>\n"
                + "  <parameter id=\"a&quot;&lt;&gt;&amp;&#9;\">1</parameter>\n"
                + "  <parameter id=\"b\">x&lt;y&amp;z&gt;\"q'</parameter>\n"
                + "  <parameter id=\"e\"></parameter>\n"
                + "  <parameter id=\"n\">None</parameter>\n"
                + "  <parameter id=\"t\">True</parameter>\n"
                + "  <parameter id=\"\u00e9\">\u0436</parameter>\n"
                + "</instance>\n";
        assertEquals(expected, InstanceXml.dumps(parameters));
    }

    @Test
    void carriesJsonInXmlAsOneParameter() {
        // slapos request --parameters-file sends {'_': json.dumps(params, indent=2)}.
        String json = "{\n  \"a\": 1,\n  \"b\": [\n    \"x<y\"\n  ]\n}";
        String xml = InstanceXml.dumps(Map.of("_", json));
        assertEquals(DECLARATION + "<instance>\n  <parameter id=\"_\">{\n  \"a\": 1,\n  \"b\": [\n"
                + "    \"x&lt;y\"\n  ]\n}</parameter>\n</instance>\n", xml);
        assertEquals(Map.of("_", json), InstanceXml.loads(xml));
    }

    @Test
    void writesEveryValueWithPythonStr() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("int", 1L);
        parameters.put("float", 1.5);
        parameters.put("list", Arrays.asList(1L, "a"));
        parameters.put("dict", Map.of("k", 1L));
        parameters.put("tuple", PyTuple.of("x"));
        parameters.put("big", BigInteger.TEN.pow(30));
        parameters.put("bytes", "\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, String> read = InstanceXml.loads(InstanceXml.dumps(parameters));
        assertEquals("1", read.get("int"));
        assertEquals("1.5", read.get("float"));
        assertEquals("[1, 'a']", read.get("list"));
        assertEquals("{'k': 1}", read.get("dict"));
        assertEquals("('x',)", read.get("tuple"));
        assertEquals("1000000000000000000000000000000", read.get("big"));
        assertEquals("\u00e9", read.get("bytes"));
    }

    @Test
    void escapesAttributesAndText() {
        String xml = InstanceXml.dumps(Map.of("k\n\r", "a\rb\tc\nd"));
        assertTrue(xml.contains("<parameter id=\"k&#10;&#13;\">a&#13;b\tc\nd</parameter>"), xml);
        assertEquals(Map.of("k\n\r", "a\rb\tc\nd"), InstanceXml.loads(xml));
    }

    @Test
    void sortsKeysByCodePoint() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("\ud83d\ude00", "astral");
        parameters.put("\uff01", "fullwidth");
        parameters.put("B", "upper");
        parameters.put("a", "lower");
        String xml = InstanceXml.dumps(parameters);
        assertEquals(List.of("B", "a", "\uff01", "\ud83d\ude00"), List.copyOf(InstanceXml.loads(xml).keySet()));
    }

    @Test
    void writesAnEmptyDictionaryAsAnEmptyInstance() {
        assertEquals(DECLARATION + "<instance/>\n", InstanceXml.dumps(Map.of()));
        assertEquals(Map.of(), InstanceXml.loads(DECLARATION + "<instance/>\n"));
    }

    @Test
    void refusesCharactersXmlCannotCarry() {
        assertThrows(MarshalException.class, () -> InstanceXml.dumps(Map.of("k", "a\u0001b")));
        assertThrows(MarshalException.class, () -> InstanceXml.dumps(Map.of("k\u0000", "v")));
        assertThrows(MarshalException.class, () -> InstanceXml.dumps(Map.of("k", "\ud800")));
    }

    @Test
    void readsNothingFromNothing() {
        assertEquals(Map.of(), InstanceXml.loads(null));
        assertEquals(Map.of(), InstanceXml.loads(""));
    }

    @Test
    void joinsRepeatedIdsWithOneSpace() {
        String xml = "<instance><parameter id=\"x\">1</parameter><parameter id=\"y\">a</parameter>"
                + "<parameter id=\"x\">2</parameter></instance>";
        Map<String, String> read = InstanceXml.loads(xml);
        assertEquals(Map.of("x", "1 2", "y", "a"), read);
        assertEquals(List.of("x", "y"), List.copyOf(read.keySet()));
    }

    @Test
    void treatsRepeatedEmptyValuesAsPythonDoes() {
        // An earlier None is simply replaced; a later None would be "str + None", a TypeError in Python.
        assertEquals(Map.of("x", "2"),
                InstanceXml.loads("<instance><parameter id=\"x\"/><parameter id=\"x\">2</parameter></instance>"));
        MarshalException problem = assertThrows(MarshalException.class, () -> InstanceXml.loads(
                "<instance><parameter id=\"x\">1</parameter><parameter id=\"x\"></parameter></instance>"));
        assertTrue(problem.getMessage().contains("'x'"), problem.getMessage());
    }

    @Test
    void readsOnlyDirectParameterChildrenOfAnyRoot() {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root xmlns:o=\"urn:other\">\n"
                + "  <parameter id=\"a\">A</parameter>\n"
                + "  <group><parameter id=\"nested\">N</parameter></group>\n"
                + "  <o:parameter id=\"namespaced\">X</o:parameter>\n"
                + "  <parameter id=\"empty\"/>\n"
                + "  <parameter>no id</parameter>\n"
                + "  <parameter id=\"mixed\">before<b>bold</b>after</parameter>\n"
                + "  <parameter id=\"comment\"><!-- c -->after</parameter>\n"
                + "  <parameter id=\"cdata\"><![CDATA[<raw>&]]></parameter>\n"
                + "</root>";
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("a", "A");
        expected.put("empty", null);
        expected.put("mixed", "before");
        expected.put("comment", null);
        expected.put("cdata", "<raw>&");
        Map<String, String> read = InstanceXml.loads(xml);
        assertEquals(expected, read);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(read.keySet()));
    }

    @Test
    void refusesHostileXml() {
        MarshalException dtd = assertThrows(MarshalException.class, () -> InstanceXml.loads(
                "<!DOCTYPE instance [<!ENTITY s SYSTEM \"file:///etc/passwd\">]>"
                        + "<instance><parameter id=\"x\">&s;</parameter></instance>"));
        assertEquals("DTDs are not allowed in instance XML", dtd.getMessage());
        MarshalException malformed = assertThrows(MarshalException.class,
                () -> InstanceXml.loads("<instance><parameter id=\"x\">1</instance>"));
        assertTrue(malformed.getMessage().startsWith("Malformed instance XML"), malformed.getMessage());
    }
}
