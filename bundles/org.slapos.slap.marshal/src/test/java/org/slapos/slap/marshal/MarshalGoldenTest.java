package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every entry of the captured golden data (xml_marshaller and dict2xml output), byte for byte. */
class MarshalGoldenTest {

    @Test
    void goldenDataIsComplete() {
        assertEquals(57, TestResources.goldenList("marshal").size());
        assertEquals(5, TestResources.goldenList("instance_xml").size());
    }

    @TestFactory
    Stream<DynamicTest> encodesEveryGoldenValueToTheCapturedBytes() {
        return TestResources.goldenList("marshal").stream().map(entry -> DynamicTest.dynamicTest(
                (String) entry.get("name"), () -> {
                    String expected = (String) entry.get("marshal");
                    Object value = TestResources.toJava(entry.get("value"), expected.contains("<reference"));
                    assertEquals(expected, Marshal.dumps(value));
                }));
    }

    @TestFactory
    Stream<DynamicTest> decodesEveryGoldenByteStringToItsValue() {
        return TestResources.goldenList("marshal").stream().map(entry -> DynamicTest.dynamicTest(
                (String) entry.get("name"), () -> {
                    String xml = (String) entry.get("marshal");
                    Object expected = TestResources.toJava(entry.get("value"), false);
                    assertEquals(expected, Marshal.loads(xml));
                    assertEquals(expected, Marshal.loads(xml.getBytes(StandardCharsets.UTF_8)));
                }));
    }

    @TestFactory
    Stream<DynamicTest> reencodesEveryDecodedGoldenValueIdentically() {
        return TestResources.goldenList("marshal").stream().map(entry -> DynamicTest.dynamicTest(
                (String) entry.get("name"), () -> {
                    String xml = (String) entry.get("marshal");
                    assertEquals(xml, Marshal.dumps(Marshal.loads(xml)));
                }));
    }

    @TestFactory
    Stream<DynamicTest> roundTripsEveryGoldenValue() {
        return TestResources.goldenList("marshal").stream().map(entry -> DynamicTest.dynamicTest(
                (String) entry.get("name"), () -> {
                    Object value = TestResources.toJava(entry.get("value"), false);
                    assertEquals(value, Marshal.loads(Marshal.dumps(value)));
                }));
    }

    @TestFactory
    Stream<DynamicTest> writesEveryGoldenInstanceXml() {
        return TestResources.goldenList("instance_xml").stream().map(entry -> DynamicTest.dynamicTest(
                (String) entry.get("name"), () -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> parameters = (Map<String, Object>) entry.get("dict");
                    assertEquals(entry.get("xml"), InstanceXml.dumps(parameters));
                }));
    }

    @TestFactory
    Stream<DynamicTest> readsEveryGoldenInstanceXml() {
        return TestResources.goldenList("instance_xml").stream().map(entry -> DynamicTest.dynamicTest(
                (String) entry.get("name"), () -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> parameters = (Map<String, Object>) entry.get("dict");
                    Map<String, String> read = InstanceXml.loads((String) entry.get("xml"));
                    assertEquals(parameters, read);
                    assertEquals(List.copyOf(sortedKeys(parameters)), List.copyOf(read.keySet()),
                            "document order is key order");
                }));
    }

    @Test
    void emptyStringInInstanceXmlReadsBackAsNone() {
        // The golden note: {'e': ''} is written as <parameter id="e"></parameter> and read back as None.
        @SuppressWarnings("unchecked")
        Map<String, Object> notes = (Map<String, Object>) TestResources.golden().get("notes");
        assertEquals("{'e': None}", notes.get("empty string in instance xml reads back as"));

        Map<String, String> read = InstanceXml.loads(InstanceXml.dumps(Map.of("e", "")));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("e", null);
        assertEquals(expected, read);
        assertEquals("{'e': None}", PyRepr.repr(read));
        assertFalse(InstanceXml.dumps(Map.of("e", "")).contains("<parameter id=\"e\"/>"));
    }

    private static List<String> sortedKeys(Map<String, Object> map) {
        return map.keySet().stream().sorted(PythonOrdering.CODE_POINT_ORDER).toList();
    }
}
