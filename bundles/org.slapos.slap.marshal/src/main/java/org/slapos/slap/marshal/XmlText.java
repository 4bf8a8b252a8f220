package org.slapos.slap.marshal;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** What lxml accepts in text, how it escapes it, and a StAX reader locked down against DTD tricks. */
final class XmlText {

    private XmlText() {
    }

    /**
     * Returns the first code point lxml refuses ("All strings must be XML compatible"): C0 controls
     * other than tab, LF and CR, U+FFFE, U+FFFF and lone surrogates; or -1 when there is none.
     */
    static int findInvalidCharacter(CharSequence text) {
        for (int index = 0; index < text.length(); index++) {
            char unit = text.charAt(index);
            if (unit < 0x20) {
                if (unit != '\t' && unit != '\n' && unit != '\r') {
                    return unit;
                }
            } else if (unit >= Character.MIN_SURROGATE) {
                if (Character.isHighSurrogate(unit) && index + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(index + 1))) {
                    index++;
                } else if (Character.isSurrogate(unit) || unit == 0xfffe || unit == 0xffff) {
                    return unit;
                }
            }
        }
        return -1;
    }

    static MarshalException invalidCharacter(int codePoint) {
        return new MarshalException(String.format(
                "Cannot write U+%04X to XML: only tab, newline, carriage return and characters from U+0020"
                        + " (no lone surrogates, U+FFFE or U+FFFF) are allowed", codePoint));
    }

    /** Escapes element text the way libxml2 writes it: {@code & < >}, and CR as {@code &#13;}. */
    static void appendEscapedText(String text, StringBuilder out) {
        for (int index = 0; index < text.length(); index++) {
            char unit = text.charAt(index);
            switch (unit) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\r' -> out.append("&#13;");
                default -> out.append(unit);
            }
        }
    }

    /** Escapes an attribute value the way libxml2 writes it: {@code & < > "}, and tab, LF, CR as references. */
    static void appendEscapedAttribute(String text, StringBuilder out) {
        for (int index = 0; index < text.length(); index++) {
            char unit = text.charAt(index);
            switch (unit) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\t' -> out.append("&#9;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                default -> out.append(unit);
            }
        }
    }

    /**
     * The JDK's StAX property that lets a factory hand out its last reader again, reset, once that
     * reader is closed: creating a reader costs more than parsing a small marshal document.
     */
    private static final String REUSE_READER = "reuse-instance";

    /**
     * One locked-down factory per thread, so that its reader can be reused (a factory and its
     * reader are not thread-safe). Parsing never runs user code, so nothing else lands in it.
     */
    private static final ThreadLocal<XMLInputFactory> FACTORIES = ThreadLocal.withInitial(XmlText::newLockedDownInputFactory);

    /**
     * The calling thread's JDK StAX factory (not one found on the class path) with DTDs and external
     * entities switched off and a resolver that fetches nothing. Readers still report a DOCTYPE as a
     * {@code DTD} event, which callers must refuse. A reader must be closed (as callers do in a
     * {@code finally}) before the same thread asks for the next one, or a new one is created.
     */
    static XMLInputFactory lockedDownInputFactory() {
        return FACTORIES.get();
    }

    private static XMLInputFactory newLockedDownInputFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.TRUE);
        factory.setProperty(XMLInputFactory.IS_COALESCING, Boolean.FALSE);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("External resources are not allowed: " + systemId);
        });
        if (factory.isPropertySupported(REUSE_READER)) {
            factory.setProperty(REUSE_READER, Boolean.TRUE);
        }
        return factory;
    }

    /** A readable message for a parser failure, with its line and column when the parser knows them. */
    static MarshalException malformed(String what, XMLStreamException problem) {
        String message = problem.getMessage() == null ? problem.toString() : problem.getMessage();
        int detail = message.indexOf("Message: ");
        if (detail >= 0) {
            message = message.substring(detail + "Message: ".length());
        }
        StringBuilder text = new StringBuilder("Malformed ").append(what);
        if (problem.getLocation() != null && problem.getLocation().getLineNumber() > 0) {
            text.append(" at line ").append(problem.getLocation().getLineNumber())
                    .append(", column ").append(problem.getLocation().getColumnNumber());
        }
        return new MarshalException(text.append(": ").append(message.strip()).toString(), problem);
    }

    /** Closes a reader, ignoring failures: the document has already been judged by then. */
    static void closeQuietly(XMLStreamReader reader) {
        if (reader == null) {
            return;
        }
        try {
            reader.close();
        } catch (XMLStreamException ignored) {
            // Nothing left to release that matters once parsing is over.
        }
    }

    /** The number of UTF-8 bytes {@code text} encodes to, counting no further than {@code limit + 1}. */
    static long utf8Length(String text, long limit) {
        long bytes = 0;
        for (int index = 0; index < text.length() && bytes <= limit; index++) {
            char unit = text.charAt(index);
            if (unit < 0x80) {
                bytes += 1;
            } else if (unit < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(unit) && index + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(index + 1))) {
                bytes += 4;
                index++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
