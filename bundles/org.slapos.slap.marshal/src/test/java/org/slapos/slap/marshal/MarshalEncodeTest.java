package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Encoder details beyond the golden data, round trips of every type, and decoder leniency. */
class MarshalEncodeTest {

    private static Object roundTrip(Object value) {
        return Marshal.loads(Marshal.dumps(value));
    }

    @Test
    void roundTripsEveryType() {
        Map<String, Object> dictionary = new LinkedHashMap<>();
        dictionary.put("none", null);
        dictionary.put("bool", true);
        dictionary.put("int", Long.MIN_VALUE);
        dictionary.put("big", new BigInteger("-1000000000000000000000000000"));
        dictionary.put("float", 1795345290.669688);
        dictionary.put("string", "x<y&z>\"' \u00e9\ud83d\ude00\r\n\t&amp;");
        dictionary.put("list", new ArrayList<>(Arrays.asList(1L, null, "a")));
        dictionary.put("tuple", PyTuple.of(PyTuple.of(), PyTuple.of("one")));
        dictionary.put("set", new LinkedHashSet<>(List.of("s")));
        dictionary.put("computer", SlapObject.computer("COMP-1"));
        dictionary.put("partition", SlapObject.computerPartition("COMP-1", "slappart0"));
        dictionary.put("release", SlapObject.softwareRelease("http://sr/software.cfg", "COMP-1"));
        dictionary.put("instance", SlapObject.softwareInstance().put("_instance_guid", "G"));
        assertEquals(dictionary, roundTrip(dictionary));
        for (Object value : dictionary.values()) {
            assertEquals(value, roundTrip(value));
        }
    }

    @Test
    void writesOtherJavaNumbersAsPythonNumbers() {
        assertEquals("<marshal><int>7</int></marshal>", Marshal.dumps(7));
        assertEquals("<marshal><int>-3</int></marshal>", Marshal.dumps((short) -3));
        assertEquals("<marshal><int>5</int></marshal>", Marshal.dumps((byte) 5));
        assertEquals("<marshal><float>0.5</float></marshal>", Marshal.dumps(0.5f));
        assertEquals(7L, Marshal.loads(Marshal.dumps(7)));
        assertEquals("<marshal><string>caf&#233;</string></marshal>",
                Marshal.dumps("caf\u00e9".getBytes(StandardCharsets.UTF_8)));
        assertThrows(MarshalException.class, () -> Marshal.dumps(new byte[] {(byte) 0xff}));
    }

    @Test
    void switchesToLongAtPythonsFloat1e24() {
        BigInteger float1e24 = new BigInteger("999999999999999983222784");
        assertEquals("<marshal><int>999999999999999983222783</int></marshal>",
                Marshal.dumps(float1e24.subtract(BigInteger.ONE)));
        assertEquals("<marshal><long>999999999999999983222784</long></marshal>", Marshal.dumps(float1e24));
        assertEquals("<marshal><long>-999999999999999983222784</long></marshal>", Marshal.dumps(float1e24.negate()));
        assertEquals("<marshal><int>5</int></marshal>", Marshal.dumps(BigInteger.valueOf(5)));
    }

    @Test
    void decodesIntegersToLongWhenTheyFit() {
        assertEquals(Long.MAX_VALUE, Marshal.loads("<marshal><int>9223372036854775807</int></marshal>"));
        Object beyond = Marshal.loads("<marshal><int>9223372036854775808</int></marshal>");
        assertEquals(new BigInteger("9223372036854775808"), beyond);
        assertEquals(12L, Marshal.loads("<marshal><long>12</long></marshal>"));
    }

    @Test
    void sortsMixedKeysAsPythonDoes() {
        Map<Object, Object> mixed = new LinkedHashMap<>();
        mixed.put(2L, "a");
        mixed.put("b", 1L);
        // int vs str cannot be compared, so reprs are: "'b'" sorts before "2".
        assertEquals("<marshal><dictionary id=\"i2\"><string>b</string><int>1</int><int>2</int>"
                + "<string>a</string></dictionary></marshal>", Marshal.dumps(mixed));

        Map<Object, Object> numbers = new LinkedHashMap<>();
        numbers.put(10L, "ten");
        numbers.put(2.5, "two and a half");
        numbers.put(-1L, "minus one");
        numbers.put(true, "one");
        assertEquals("<marshal><dictionary id=\"i2\"><int>-1</int><string>minus one</string><bool>1</bool>"
                + "<string>one</string><float>2.5</float><string>two and a half</string><int>10</int>"
                + "<string>ten</string></dictionary></marshal>", Marshal.dumps(numbers));

        Map<Object, Object> tuples = new LinkedHashMap<>();
        tuples.put(PyTuple.of("b"), 1L);
        tuples.put(PyTuple.of("a", 2L), 2L);
        tuples.put(PyTuple.of("a"), 3L);
        assertEquals("<marshal><dictionary id=\"i2\"><tuple><string>a</string></tuple><int>3</int><tuple>"
                + "<string>a</string><int>2</int></tuple><int>2</int><tuple><string>b</string></tuple><int>1</int>"
                + "</dictionary></marshal>", Marshal.dumps(tuples));
    }

    @Test
    void writesReferencesForTheSameInstanceOnly() {
        List<Object> shared = new ArrayList<>(List.of(1L));
        List<Object> equalCopy = new ArrayList<>(List.of(1L));
        assertEquals("<marshal><list id=\"i2\"><list id=\"i3\"><int>1</int></list><reference id=\"i3\"/>"
                + "<list id=\"i4\"><int>1</int></list></list></marshal>",
                Marshal.dumps(List.of(shared, shared, equalCopy)));
    }

    @Test
    void numbersObjectsBeforeTheirArgumentsAndState() {
        Map<String, Object> requestDict = new LinkedHashMap<>();
        SlapObject partition = new SlapObject(SlapObject.COMPUTER_PARTITION, PyTuple.of(null, null, requestDict),
                Map.of("_request_dict", requestDict));
        assertEquals("<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"ComputerPartition\">"
                + "<tuple><none/><none/><dictionary id=\"i3\"/></tuple><dictionary id=\"i4\"><string>_request_dict"
                + "</string><reference id=\"i3\"/></dictionary></object></marshal>", Marshal.dumps(partition));
        SlapObject decoded = (SlapObject) Marshal.loads(Marshal.dumps(partition));
        assertSame(decoded.args().get(2), decoded.get("_request_dict"));
    }

    @Test
    void handlesCycles() {
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        String xml = Marshal.dumps(cyclic);
        assertEquals("<marshal><list id=\"i2\"><reference id=\"i2\"/></list></marshal>", xml);
        List<?> decoded = (List<?>) Marshal.loads(xml);
        assertSame(decoded, decoded.get(0));

        SlapObject computer = SlapObject.computer("c");
        computer.put("_self", computer);
        SlapObject decodedComputer = (SlapObject) Marshal.loads(Marshal.dumps(computer));
        assertSame(decodedComputer, decodedComputer.get("_self"));
    }

    @Test
    void writesSetsAndEmptyContainers() {
        assertEquals("<marshal><set id=\"i2\"/></marshal>", Marshal.dumps(Set.of()));
        assertEquals("<marshal><set id=\"i2\"><string>a</string></set></marshal>", Marshal.dumps(Set.of("a")));
        assertEquals("<marshal><tuple><tuple/><list id=\"i2\"/><dictionary id=\"i3\"/></tuple></marshal>",
                Marshal.dumps(PyTuple.of(PyTuple.of(), List.of(), Map.of())));
        assertInstanceOf(Set.class, Marshal.loads("<marshal><set id=\"i2\"><int>1</int></set></marshal>"));
    }

    @Test
    void refusesWhatPythonCannotMarshal() {
        MarshalException control = assertThrows(MarshalException.class, () -> Marshal.dumps("a\u0000b"));
        assertTrue(control.getMessage().contains("U+0000"), control.getMessage());
        assertThrows(MarshalException.class, () -> Marshal.dumps("bell\u0007"));
        assertThrows(MarshalException.class, () -> Marshal.dumps("lone \ud800 surrogate"));
        assertThrows(MarshalException.class, () -> Marshal.dumps("\uffff"));
        assertEquals("Refusing to marshall java.lang.Object",
                assertThrows(MarshalException.class, () -> Marshal.dumps(new Object())).getMessage());
        assertEquals("Refusing to marshall java.lang.Thread",
                assertThrows(MarshalException.class, () -> Marshal.dumps(List.of(Thread.currentThread())))
                        .getMessage());
        assertEquals("Refusing to marshall slapos.slap.slap.OpenOrder",
                assertThrows(MarshalException.class, () -> new SlapObject("OpenOrder", PyTuple.of(), Map.of()))
                        .getMessage());
    }

    @Test
    void refusesValuesNestedBeyondPythonsRecursionLimit() {
        List<Object> deep = new ArrayList<>();
        List<Object> current = deep;
        for (int i = 0; i < 5000; i++) {
            List<Object> next = new ArrayList<>();
            current.add(next);
            current = next;
        }
        assertThrows(MarshalException.class, () -> Marshal.dumps(deep));
    }

    @Test
    void readsWhatPythonReadsLeniently() {
        String pretty = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<marshal>\n  <dictionary id=\"i2\">\n"
                + "    <string>a</string>\n    <int> 42 </int>\n"
                + "    <unicode>b</unicode>\n    <list>\n      <float> 1.5 </float>\n    </list>\n"
                + "    <string>c</string>\n    <dictionary><string>x</string><bool>2</bool></dictionary>\n"
                + "    <string>d</string>\n    <string>  spaced\n text  </string>\n"
                + "    <!-- a comment -->\n  </dictionary>\n</marshal>\n";
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", 42L);
        expected.put("b", List.of(1.5));
        expected.put("c", Map.of("x", true));
        expected.put("d", "  spaced\n text  ");
        assertEquals(expected, Marshal.loads(pretty));

        String namespaced = "<m:marshal xmlns:m=\"http://www.erp5.org/namespaces/marshaller\"><m:list m:id=\"i2\">"
                + "<m:string>x</m:string><m:reference m:id=\"i2\"/></m:list></m:marshal>";
        List<?> list = (List<?>) Marshal.loads(namespaced);
        assertEquals("x", list.get(0));
        assertSame(list, list.get(1));

        assertEquals("bare", Marshal.loads("<string>bare</string>"));
        assertEquals("<tag>&", Marshal.loads("<marshal><string><![CDATA[&lt;tag&gt;&amp;]]></string></marshal>"));
        assertEquals("once <escaped> & fine", Marshal.loads("<marshal><string>once &lt;escaped&gt; &amp; fine</string></marshal>"));
        assertEquals(1_000L, Marshal.loads("<marshal><int>+1_000</int></marshal>"));
        assertEquals(Double.NEGATIVE_INFINITY, Marshal.loads("<marshal><float>-Infinity</float></marshal>"));
        assertTrue(Double.isNaN((Double) Marshal.loads("<marshal><float>nan</float></marshal>")));
        assertEquals(false, Marshal.loads("<marshal><bool>0</bool></marshal>"));
        assertEquals("\r", Marshal.loads("<marshal><string>&#13;</string></marshal>"));
    }

    @Test
    void readsUtf8BytesAndDeclaredEncodings() {
        byte[] utf8 = "<marshal><string>\u00e9&#233;</string></marshal>".getBytes(StandardCharsets.UTF_8);
        assertEquals("\u00e9\u00e9", Marshal.loads(utf8));
        byte[] latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><marshal><string>\u00e9</string></marshal>"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("\u00e9", Marshal.loads(latin1));
    }

    @Test
    void rebuildsObjectsLikeTheirPythonConstructors() {
        String xml = "<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"SoftwareRelease\"><tuple>"
                + "<string>u</string><string>c</string></tuple><dictionary id=\"i3\"><string>_requested_state</string>"
                + "<string>available</string></dictionary></object></marshal>";
        SlapObject release = (SlapObject) Marshal.loads(xml);
        assertEquals("u", release.get("_software_release"));
        assertEquals("c", release.get("_computer_guid"));
        assertEquals(List.of(), release.get("_software_instance_list"));
        assertEquals("available", release.get("_requested_state"));
        assertEquals(SlapObject.MODULE, release.module());
    }

    @Test
    void encodesALargeComputerQuickly() {
        SlapObject computer = SlapObject.computer("COMP-1");
        List<Object> partitions = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            SlapObject partition = SlapObject.computerPartition("COMP-1", "slappart" + i);
            partition.put("_instance_guid", "COMP-1-slappart" + i);
            partition.put("_need_modification", 1L);
            partition.put("_requested_state", "started");
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("ip_list", List.of(PyTuple.of("slaptap" + i, "10.0.0." + (i % 250))));
            parameters.put("timestamp", PyRepr.floatRepr(1795345290.669688 + i));
            parameters.put("slave_instance_list", new ArrayList<>());
            partition.put("_parameter_dict", parameters);
            partition.put("_software_release_document", SlapObject.softwareRelease("http://sr/software.cfg", "COMP-1"));
            partitions.add(partition);
        }
        computer.put("_computer_partition_list", partitions);
        computer.put("_software_release_list", new ArrayList<>());
        String xml = Marshal.dumps(computer);
        assertEquals(computer, Marshal.loads(xml));
        assertArrayEquals(xml.getBytes(StandardCharsets.UTF_8), Marshal.dumps(Marshal.loads(xml))
                .getBytes(StandardCharsets.UTF_8));
    }
}
