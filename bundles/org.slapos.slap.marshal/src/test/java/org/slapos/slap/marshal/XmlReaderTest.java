package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link XmlReader} against the JDK's StAX parser (DTDs off) as the reference for well-formed XML:
 * both must accept and refuse the same documents and, when they accept, see the same elements,
 * attributes and text.
 */
class XmlReaderTest {

    /** Events as a canonical text: the reference and ours must write the same. */
    private static String ours(String xml) {
        XmlReader reader = new XmlReader(xml, "test XML");
        StringBuilder out = new StringBuilder();
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (int event = reader.next(); event != XmlReader.END_DOCUMENT; event = reader.next()) {
            if (event != XmlReader.TEXT) {
                flush(text, out);
            }
            switch (event) {
                case XmlReader.START_ELEMENT -> {
                    depth++;
                    out.append("S{").append(reader.namespaceUri()).append('}').append(reader.localName());
                    out.append(ourAttributes(xml, reader)).append('\n');
                }
                case XmlReader.END_ELEMENT -> {
                    depth--;
                    out.append("E{").append(reader.namespaceUri()).append('}').append(reader.localName()).append('\n');
                }
                case XmlReader.TEXT -> reader.appendText(text);
                case XmlReader.COMMENT -> out.append(depth > 0 ? "C\n" : "");
                default -> out.append(depth > 0 ? "P\n" : "");
            }
        }
        flush(text, out);
        return out.toString();
    }

    /** The attributes of the current element, sorted, through the only accessor the decoders use. */
    private static String ourAttributes(String xml, XmlReader reader) {
        Map<String, String> attributes = new TreeMap<>();
        for (String name : List.of("id", "a", "b", "module", "class", "x")) {
            String value = reader.attribute(name);
            if (value != null) {
                attributes.put(name, value);
            }
        }
        return attributes.toString();
    }

    private static String reference(String xml) throws XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.TRUE);
        XMLStreamReader reader = factory.createXMLStreamReader(new StringReader(xml));
        StringBuilder out = new StringBuilder();
        StringBuilder text = new StringBuilder();
        int depth = 0;
        try {
            while (reader.hasNext()) {
                int event = reader.next();
                boolean isText = event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA
                        || event == XMLStreamConstants.SPACE;
                if (!isText) {
                    flush(text, out);
                }
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        depth++;
                        String uri = reader.getNamespaceURI();
                        out.append("S{").append(uri == null ? "" : uri).append('}').append(reader.getLocalName());
                        Map<String, String> attributes = new TreeMap<>();
                        for (int index = 0; index < reader.getAttributeCount(); index++) {
                            String name = reader.getAttributeLocalName(index);
                            if (List.of("id", "a", "b", "module", "class", "x").contains(name)) {
                                attributes.putIfAbsent(name, reader.getAttributeValue(index));
                            }
                        }
                        out.append(attributes).append('\n');
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        depth--;
                        String uri = reader.getNamespaceURI();
                        out.append("E{").append(uri == null ? "" : uri).append('}').append(reader.getLocalName())
                                .append('\n');
                    }
                    case XMLStreamConstants.COMMENT -> out.append(depth > 0 ? "C\n" : "");
                    case XMLStreamConstants.PROCESSING_INSTRUCTION -> out.append(depth > 0 ? "P\n" : "");
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE ->
                            throw new XMLStreamException("DTD or entity");
                    default -> {
                        if (isText && depth > 0) {
                            text.append(reader.getText());
                        }
                    }
                }
            }
        } finally {
            reader.close();
        }
        return out.toString();
    }

    private static void flush(StringBuilder text, StringBuilder out) {
        if (text.length() > 0) {
            out.append("T[").append(text).append("]\n");
            text.setLength(0);
        }
    }

    /** Null when the reference refuses the document. */
    private static String referenceOrNull(String xml) {
        try {
            return reference(xml);
        } catch (XMLStreamException | RuntimeException refused) {
            return null;
        }
    }

    private static String oursOrNull(String xml) {
        try {
            return ours(xml);
        } catch (MarshalException refused) {
            return null;
        }
    }

    private static void assertSameAsReference(String xml) {
        assertEquals(referenceOrNull(xml), oursOrNull(xml), () -> "document: " + xml);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<a/>", "<a></a>", "<?xml version=\"1.0\"?><a/>", "<?xml version='1.0' encoding='utf-8'?>\n<a/>\n",
            "<a>x&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;y</a>", "<a><![CDATA[<&>]]]]></a>",
            "<a x=\"1&#9;2\tz&#10;\" b='&lt;q&quot;'/>", "<a x=\"l\nm\"/>", "<a>\r\nline\rbreaks\r</a>",
            "<a><!-- c --><?pi data?>t</a>", "<!-- before --><?pi?><a/><!-- after -->",
            "<m:a xmlns:m=\"urn:m\"><m:b m:id=\"1\"/></m:a>", "<a xmlns=\"urn:d\"><b xmlns=\"\"/><c/></a>",
            "<a xml:lang=\"en\" id='x'/>", "<a  id = \"1\" ></a >", "<\u00e9l\u00e8ve/>", "\uFEFF<a/>",
            "<?xml version=\"1.0\" standalone='yes' ?><a/>", "<?xml version=\"1.0\" encoding=\"x\" standalone=\"no\"?><a/>",
            // refused
            "", "   ", "text", "<a>", "<a></b>", "<a><b></a></b>", "<a/><b/>", "<a/>text", "x<a/>",
            "<a x=1/>", "<a x=\"1\" x=\"2\"/>", "<a x=\"1\"y=\"2\"/>", "<a x=\"<\"/>", "<a>&bogus;</a>",
            "<a>&#0;</a>", "<a>&#xD800;</a>", "<a>&#xZZ;</a>", "<a>&#X41;</a>", "<a>&amp</a>", "<a>]]></a>",
            "<a><!-- a -- b --></a>", "<a><!-- open</a>", "<a><![CDATA[open</a>", "<![CDATA[x]]><a/>",
            "<a/><?xml version=\"1.0\"?>", " <?xml version=\"1.0\"?><a/>", "<a><?xml version=\"1.0\"?></a>",
            "<p:a/>", "<a p:x=\"1\"/>", "<a xmlns:p=\"\"/>", "<a:b:c/>", "<1a/>", "<a\u0001/>",
            "<a>\u0007</a>", "<a>\ud800</a>", "<a>\uffff</a>", "<a></a\n>", "< a/>", "<a/ >", "<a b/>",
            "<m:a xmlns:m=\"urn:m\" xmlns:n=\"urn:m\" m:x=\"1\" n:x=\"2\"/>",
            "<!DOCTYPE a><a/>", "<a><!ELEMENT a ANY></a>"})
    void acceptsAndRefusesAsTheReference(String xml) {
        assertSameAsReference(xml);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<:a/>", "<a:/>", "<a :x=\"1\"/>"})
    void refusesNamesThatAreNotNamespaceWellFormed(String xml) {
        // The JDK accepts these; XML namespaces 1.0 (and so lxml) do not.
        assertThrows(MarshalException.class, () -> ours(xml));
    }

    @Test
    void agreesWithTheReferenceOnMutatedMarshalDocuments() {
        // Single-character damage to real documents: every accept or refuse decision must agree.
        List<String> documents = new ArrayList<>();
        for (Map<String, Object> entry : TestResources.goldenList("marshal")) {
            documents.add((String) entry.get("marshal"));
        }
        for (Map<String, Object> entry : TestResources.goldenList("instance_xml")) {
            documents.add((String) entry.get("xml"));
        }
        // No colon: the JDK accepts names such as ":a" that XML namespaces refuse (tested above).
        String alphabet = "<>/=\"'&;#x!?-[] \n\tab1";
        SplittableRandom random = new SplittableRandom(7);
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            String document = documents.get(random.nextInt(documents.size()));
            // Not inside the XML declaration: the JDK takes any encoding name there from text, we check it.
            int declarationEnd = document.startsWith("<?xml") ? document.indexOf("?>") + 2 : 0;
            int at = declarationEnd + random.nextInt(document.length() - declarationEnd);
            String damaged = switch (random.nextInt(3)) {
                case 0 -> document.substring(0, at) + document.substring(at + 1);
                case 1 -> document.substring(0, at) + alphabet.charAt(random.nextInt(alphabet.length()))
                        + document.substring(at);
                default -> document.substring(0, at) + alphabet.charAt(random.nextInt(alphabet.length()))
                        + document.substring(at + 1);
            };
            String expected = referenceOrNull(damaged);
            assertEquals(expected, oursOrNull(damaged), () -> "document: " + damaged);
            refused += expected == null ? 1 : 0;
        }
        assertTrue(refused > 1000, "the mutations produce malformed documents too: " + refused);
    }

    @Test
    void reportsWhereAndWhy() {
        MarshalException problem = assertThrows(MarshalException.class, () -> ours("<a>\n  <b></c>\n</a>"));
        assertEquals("Malformed test XML at line 2, column 6: end tag </c> does not match <b>", problem.getMessage());
        assertEquals("DTDs are not allowed in test XML",
                assertThrows(MarshalException.class, () -> ours("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>"))
                        .getMessage());
    }

    @Test
    void decodesBytesByMarkOrDeclaration() {
        assertEquals("<a>\u00e9</a>", XmlReader.decode("<a>\u00e9</a>".getBytes(StandardCharsets.UTF_8), "x"));
        byte[] withMark = "\uFEFF<a/>".getBytes(StandardCharsets.UTF_8);
        assertEquals("<a/>", XmlReader.decode(withMark, "x"));
        assertEquals("<a>\u00e9</a>", XmlReader.decode("<a>\u00e9</a>".getBytes(StandardCharsets.UTF_16), "x"));
        assertEquals("<?xml version='1.0' encoding='ISO-8859-1'?><a>\u00e9</a>", XmlReader.decode(
                "<?xml version='1.0' encoding='ISO-8859-1'?><a>\u00e9</a>".getBytes(StandardCharsets.ISO_8859_1), "x"));
        assertTrue(assertThrows(MarshalException.class, () -> XmlReader.decode(
                "<?xml version='1.0' encoding='no-such'?><a/>".getBytes(StandardCharsets.US_ASCII), "x"))
                .getMessage().contains("unsupported encoding no-such"));
        assertTrue(assertThrows(MarshalException.class, () -> XmlReader.decode(new byte[] {'<', 'a', '>', (byte) 0xC3,
                '<', '/', 'a', '>'}, "x")).getMessage().contains("not valid UTF-8"));
    }
}
