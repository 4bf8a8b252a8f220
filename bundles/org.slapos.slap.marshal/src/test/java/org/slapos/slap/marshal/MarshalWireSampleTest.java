package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Payloads captured between a real slapos.core 1.24.0 client and slapproxy. */
class MarshalWireSampleTest {

    private static final List<String> SAMPLES = List.of(
            "0002-POST-loadComputerConfigurationFromXML-request-xml.xml",
            "0006-GET-getFullComputerInformation-response.xml",
            "0010-POST-requestComputerPartition-request-filter_xml.xml",
            "0010-POST-requestComputerPartition-request-partition_parameter_xml.xml",
            "0010-POST-requestComputerPartition-request-shared_xml.xml",
            "0010-POST-requestComputerPartition-request-state.xml",
            "0010-POST-requestComputerPartition-response.xml",
            "0012-GET-getFullComputerInformation-response.xml",
            "0014-GET-registerComputerPartition-response.xml",
            "0016-POST-setComputerPartitionConnectionXml-request-connection_xml.xml",
            "0020-POST-requestComputerPartition-response.xml",
            "0022-GET-getFullComputerInformation-response.xml",
            "0025-GET-getFullComputerInformation-response.xml",
            "0027-POST-requestComputerPartition-response.xml",
            "0029-GET-getFullComputerInformation-response.xml");

    @TestFactory
    Stream<DynamicTest> reencodesEverySampleByteForByte() {
        return SAMPLES.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] captured = TestResources.bytes("wire/" + name);
            Object decoded = Marshal.loads(captured);
            assertEquals(new String(captured, StandardCharsets.UTF_8), Marshal.dumps(decoded));
            assertEquals(decoded, Marshal.loads(new String(captured, StandardCharsets.UTF_8)));
        }));
    }

    @Test
    void readsTheFullComputerInformation() {
        SlapObject computer = (SlapObject) Marshal.loads(
                TestResources.text("wire/0012-GET-getFullComputerInformation-response.xml"));

        assertEquals(SlapObject.COMPUTER, computer.className());
        assertEquals(PyTuple.of("local_computer"), computer.args());
        assertEquals("local_computer", computer.get("_computer_id"));
        List<?> partitions = (List<?>) computer.get("_computer_partition_list");
        assertEquals(3, partitions.size());

        SlapObject busy = (SlapObject) partitions.get(0);
        assertEquals(PyTuple.of("local_computer", "slappart0", null), busy.args());
        assertEquals(1L, busy.get("_need_modification"));
        assertEquals("started", busy.get("_requested_state"));
        assertTrue(busy.state().containsKey("_request_dict"));
        assertNull(busy.get("_request_dict"));
        Map<?, ?> parameters = (Map<?, ?>) busy.get("_parameter_dict");
        assertEquals("1795346824.3131387", parameters.get("timestamp"));
        assertEquals(List.of(PyTuple.of("slaptap0", "127.0.1.106"), PyTuple.of("slaptap0", "fd5a:1ab0:5eed::2")),
                parameters.get("ip_list"));
        SlapObject release = (SlapObject) busy.get("_software_release_document");
        assertEquals(SlapObject.softwareRelease("/srv/peer/sr/software.cfg", "local_computer"), release);

        SlapObject free = (SlapObject) partitions.get(2);
        assertEquals("destroyed", free.get("_requested_state"));
        assertEquals(0L, free.get("_need_modification"));
        assertTrue(free.state().containsKey("_software_release_document"));

        SlapObject listed = (SlapObject) ((List<?>) computer.get("_software_release_list")).get(0);
        assertEquals("available", listed.get("_requested_state"));
    }

    @Test
    void readsTheRequestResponseAndItsInstanceXml() {
        SlapObject instance = (SlapObject) Marshal.loads(
                TestResources.text("wire/0020-POST-requestComputerPartition-response.xml"));

        assertEquals(SlapObject.SOFTWARE_INSTANCE, instance.className());
        assertEquals(PyTuple.of(), instance.args());
        String connectionXml = (String) instance.get("connection_xml");
        assertTrue(connectionXml.startsWith("<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"));

        Map<String, String> connection = InstanceXml.loads(connectionXml);
        assertEquals(instance.get("_connection_dict"), connection);
        assertEquals("http://127.0.1.106:8080/", connection.get("url"));
        assertEquals(connectionXml, InstanceXml.dumps(connection));
    }

    @Test
    void readsTheRequestArguments() {
        assertEquals(Map.of(), Marshal.loads(
                TestResources.text("wire/0010-POST-requestComputerPartition-request-partition_parameter_xml.xml")));
        assertNull(Marshal.loads(TestResources.text("wire/0010-POST-requestComputerPartition-request-state.xml")));
        assertEquals(Boolean.FALSE, Marshal.loads(
                TestResources.text("wire/0010-POST-requestComputerPartition-request-shared_xml.xml")));
    }

    @Test
    void readsTheComputerConfiguration() {
        Map<?, ?> configuration = (Map<?, ?>) Marshal.loads(
                TestResources.text("wire/0002-POST-loadComputerConfigurationFromXML-request-xml.xml"));
        assertEquals("fd5a:1ab0:5eed::1", configuration.get("address"));
        assertEquals(Boolean.TRUE, configuration.get("partition_has_ipv6_range"));
        assertInstanceOf(List.class, configuration.get("partition_list"));
        Map<?, ?> networkInterface = (Map<?, ?>) configuration.get("interface");
        assertEquals(16L, networkInterface.get("ipv6_prefixshift"));
    }

    @Test
    void aReferenceReadsBackAsTheSameInstance() {
        String xml = "<marshal><list id=\"i2\"><list id=\"i3\"><int>1</int></list><reference id=\"i3\"/>"
                + "<dictionary id=\"i4\"><string>x</string><reference id=\"i3\"/></dictionary></list></marshal>";
        List<?> outer = (List<?>) Marshal.loads(xml);
        assertSame(outer.get(0), outer.get(1));
        assertSame(outer.get(0), ((Map<?, ?>) outer.get(2)).get("x"));
        assertEquals(xml, Marshal.dumps(outer));
    }
}
