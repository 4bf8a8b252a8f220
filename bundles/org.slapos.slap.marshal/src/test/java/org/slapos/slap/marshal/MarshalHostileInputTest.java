package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hostile or broken input must end in a {@link MarshalException} with a message that says why. */
class MarshalHostileInputTest {

    private static final String BILLION_LAUGHS = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
             <!ENTITY lol "lol">
             <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
             <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
             <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
             <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
             <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
             <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
             <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
             <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
             <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <marshal><string>&lol9;</string></marshal>""";

    private static final String EXTERNAL_ENTITY = """
            <?xml version="1.0"?>
            <!DOCTYPE marshal [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <marshal><string>&secret;</string></marshal>""";

    private static MarshalException refused(String xml) {
        return assertThrows(MarshalException.class, () -> Marshal.loads(xml));
    }

    private static void assertMessageContains(MarshalException problem, String expected) {
        assertTrue(problem.getMessage().contains(expected),
                () -> "expected '" + expected + "' in: " + problem.getMessage());
    }

    @Test
    void refusesEntityExpansion() {
        assertMessageContains(refused(BILLION_LAUGHS), "DTDs are not allowed in marshal XML");
        MarshalException fromBytes = assertThrows(MarshalException.class,
                () -> Marshal.loads(BILLION_LAUGHS.getBytes(StandardCharsets.UTF_8)));
        assertMessageContains(fromBytes, "DTDs are not allowed");
    }

    @Test
    void refusesQuadraticBlowup() {
        String big = "x".repeat(100_000);
        String xml = "<!DOCTYPE m [<!ENTITY a \"" + big + "\">]><marshal><string>"
                + "&a;".repeat(20_000) + "</string></marshal>";
        assertMessageContains(refused(xml), "DTDs are not allowed");
    }

    @Test
    void refusesExternalEntities() {
        MarshalException problem = refused(EXTERNAL_ENTITY);
        assertMessageContains(problem, "DTDs are not allowed");
        assertTrue(!problem.getMessage().contains("root:"), "no file content leaks into the message");
    }

    @Test
    void refusesAnExternalDtd() {
        assertMessageContains(refused("<!DOCTYPE marshal SYSTEM \"http://127.0.0.1:9/evil.dtd\"><marshal><none/></marshal>"),
                "DTDs are not allowed");
    }

    @Test
    void refusesAnUndeclaredEntity() {
        assertMessageContains(refused("<marshal><string>&secret;</string></marshal>"), "Malformed marshal XML");
    }

    @Test
    void refusesOversizedPayloads() {
        String tenMegabytes = "<marshal><string>" + "a".repeat(10 * 1024 * 1024) + "</string></marshal>";
        assertEquals("Marshal XML exceeds 8388608 bytes", refused(tenMegabytes).getMessage());
        MarshalException fromBytes = assertThrows(MarshalException.class,
                () -> Marshal.loads(tenMegabytes.getBytes(StandardCharsets.UTF_8)));
        assertEquals("Marshal XML exceeds 8388608 bytes", fromBytes.getMessage());
        // Counted in UTF-8 bytes, not chars: 3 million three-byte characters are 9 MB.
        String wide = "<marshal><string>" + "\u20ac".repeat(3_000_000) + "</string></marshal>";
        assertEquals("Marshal XML exceeds 8388608 bytes", refused(wide).getMessage());
    }

    @Test
    void refusesDeepNesting() {
        String deep = "<marshal>" + "<list>".repeat(100_000) + "</list>".repeat(100_000) + "</marshal>";
        assertMessageContains(refused(deep), "nests deeper than 256 elements");
    }

    @Test
    void appliesCustomLimits() {
        String manyItems = "<marshal><list>" + "<none/>".repeat(50) + "</list></marshal>";
        MarshalException tooMany = assertThrows(MarshalException.class,
                () -> Marshal.loads(manyItems, new MarshalLimits(1_000_000, 10, 20)));
        assertMessageContains(tooMany, "more than 20 elements");
        MarshalException tooBig = assertThrows(MarshalException.class,
                () -> Marshal.loads(manyItems, new MarshalLimits(100, 10, 1000)));
        assertEquals("Marshal XML exceeds 100 bytes", tooBig.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MarshalLimits(0, 1, 1));
    }

    @Test
    void refusesMalformedXml() {
        MarshalException problem = refused("<marshal><string>abc</marshal>");
        assertMessageContains(problem, "Malformed marshal XML at line 1, column");
        assertMessageContains(refused("<marshal><string>abc"), "Malformed marshal XML");
        assertMessageContains(refused("not xml at all"), "Malformed marshal XML");
        assertMessageContains(refused("<marshal><int>1</int>"), "Malformed marshal XML");
        assertEquals("Marshal XML is empty", refused("").getMessage());
        assertEquals("Marshal XML is empty", refused(null).getMessage());
    }

    @Test
    void refusesUnknownElements() {
        assertEquals("Unknown marshal element <xyz>", refused("<marshal><xyz/></marshal>").getMessage());
        assertEquals("Marshal element <complex> is not supported",
                refused("<marshal><complex>1.0 2.0</complex></marshal>").getMessage());
    }

    @Test
    void refusesDisallowedClasses() {
        String xml = "<marshal><object id=\"i2\" module=\"os\" class=\"system\"><tuple><string>id</string></tuple>"
                + "<dictionary id=\"i3\"/></object></marshal>";
        assertEquals("Refusing to unmarshall os.system", refused(xml).getMessage());
        String otherSlapClass = "<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"OpenOrder\">"
                + "<tuple/><dictionary id=\"i3\"/></object></marshal>";
        assertEquals("Refusing to unmarshall slapos.slap.slap.OpenOrder", refused(otherSlapClass).getMessage());
    }

    @Test
    void refusesBrokenStructure() {
        assertMessageContains(refused("<marshal><reference id=\"i9\"/></marshal>"), "points to no earlier");
        assertMessageContains(refused("<marshal><dictionary id=\"i2\"><string>k</string></dictionary></marshal>"),
                "key without a value");
        assertMessageContains(refused("<marshal><none/><none/></marshal>"), "exactly one value");
        assertMessageContains(refused("<marshal></marshal>"), "exactly one value");
        assertMessageContains(refused("<marshal><string><int>1</int></string></marshal>"), "cannot contain");
        assertMessageContains(refused("<marshal><list id=\"i2\">text</list></marshal>"), "Unexpected text");
        assertMessageContains(refused("<marshal><int>12abc</int></marshal>"), "Invalid <int> value '12abc'");
        assertMessageContains(refused("<marshal><float>1.0.0</float></marshal>"), "Invalid <float> value");
        assertMessageContains(refused("<marshal><list><marshal/></list></marshal>"), "elsewhere than at the root");
        assertMessageContains(refused("<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"Computer\">"
                + "<tuple/><dictionary id=\"i3\"/></object></marshal>"), "Computer takes 1 to 3 constructor arguments");
        assertMessageContains(refused("<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"Computer\">"
                + "<tuple><string>c</string></tuple></object></marshal>"), "argument tuple and a state dictionary");
    }

    @Test
    void refusesUnhashableKeys() {
        String selfContainingKey = "<marshal><dictionary id=\"i2\"><list id=\"i3\"><reference id=\"i3\"/></list>"
                + "<none/></dictionary></marshal>";
        assertMessageContains(refused(selfContainingKey), "unhashable type");
        String listInTupleKey = "<marshal><set id=\"i2\"><tuple><list id=\"i3\"/></tuple></set></marshal>";
        assertMessageContains(refused(listInTupleKey), "unhashable type");
    }

    @Test
    void refusesHugeIntegers() {
        String digits = "9".repeat(5000);
        assertMessageContains(refused("<marshal><long>" + digits + "</long></marshal>"), "Invalid <long> value");
    }
}
