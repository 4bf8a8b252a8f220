package org.slapos.slap.marshal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instance-parameter XML of slapos ({@code slapos.util.dict2xml} / {@code xml2dict}): the format of
 * stored instance parameters, connection parameters and SLA XML. Not the marshal format.
 *
 * <pre>
 * &lt;?xml version='1.0' encoding='utf-8'?&gt;
 * &lt;instance&gt;
 *   &lt;parameter id="key"&gt;value&lt;/parameter&gt;
 * &lt;/instance&gt;
 * </pre>
 */
public final class InstanceXml {

    private static final String DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n";

    private InstanceXml() {
    }

    /**
     * {@code dict2xml}, byte for byte once encoded as UTF-8: keys sorted by code point, every value
     * turned into text with Python {@code str()} (so {@code 1} becomes {@code "1"}, {@code null} becomes
     * {@code "None"}), non-ASCII written as is.
     *
     * @throws MarshalException for a character XML cannot carry
     * @throws IllegalArgumentException for a value with no Python equivalent (see {@link PyRepr})
     */
    public static String dumps(Map<String, ?> params) {
        if (params.isEmpty()) {
            return DECLARATION + "<instance/>\n";
        }
        List<String> keys = new ArrayList<>(params.keySet());
        for (String key : keys) {
            if (key == null) {
                throw new MarshalException("Instance parameter ids cannot be None");
            }
        }
        keys.sort(PythonOrdering.CODE_POINT_ORDER);
        StringBuilder out = new StringBuilder(64 + 48 * keys.size());
        out.append(DECLARATION).append("<instance>\n");
        for (String key : keys) {
            String text = PyRepr.str(params.get(key));
            requireXmlCompatible(key);
            requireXmlCompatible(text);
            out.append("  <parameter id=\"");
            XmlText.appendEscapedAttribute(key, out);
            out.append("\">");
            XmlText.appendEscapedText(text, out);
            out.append("</parameter>\n");
        }
        return out.append("</instance>\n").toString();
    }

    /**
     * {@code xml2dict}: for each direct child named {@code parameter} of the root element (whatever the
     * root is called), its {@code id} attribute maps to its text. An empty element reads as
     * {@code null}, like lxml's {@code .text}; only the text before a nested element or comment counts.
     * A repeated id joins the texts with one space. {@code null} or empty input gives an empty map.
     * Parameters without an id are skipped.
     *
     * @return a mutable map in document order
     * @throws MarshalException for malformed or hostile XML, or a repeated id whose later value is empty
     *                          (Python raises {@code TypeError} there)
     */
    public static Map<String, String> loads(String xml) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (xml == null || xml.isEmpty()) {
            return parameters;
        }
        MarshalLimits limits = MarshalLimits.DEFAULT;
        if (xml.length() > limits.maxBytes()
                || (xml.length() > limits.maxBytes() / 3 && XmlText.utf8Length(xml, limits.maxBytes()) > limits.maxBytes())) {
            throw new MarshalException("Instance XML exceeds " + limits.maxBytes() + " bytes");
        }
        readParameters(new XmlReader(xml, "instance XML"), limits, parameters);
        return parameters;
    }

    private static void readParameters(XmlReader reader, MarshalLimits limits, Map<String, String> parameters) {
        int depth = 0;
        int elementCount = 0;
        String currentId = null;
        boolean inParameter = false;
        boolean textClosed = false;
        StringBuilder text = new StringBuilder();
        for (int event = reader.next(); event != XmlReader.END_DOCUMENT; event = reader.next()) {
            switch (event) {
                case XmlReader.START_ELEMENT -> {
                    depth++;
                    if (++elementCount > limits.maxElements() || depth > limits.maxDepth()) {
                        throw new MarshalException("Instance XML exceeds " + limits.maxElements()
                                + " elements or " + limits.maxDepth() + " levels");
                    }
                    if (depth == 2 && isPlainParameter(reader)) {
                        inParameter = true;
                        textClosed = false;
                        currentId = reader.attribute("id");
                        text.setLength(0);
                    } else if (depth > 2) {
                        textClosed = true;
                    }
                }
                case XmlReader.END_ELEMENT -> {
                    if (depth == 2 && inParameter) {
                        inParameter = false;
                        if (currentId != null) {
                            addParameter(parameters, currentId, text.length() == 0 ? null : text.toString());
                        }
                    }
                    depth--;
                }
                case XmlReader.COMMENT, XmlReader.PROCESSING_INSTRUCTION -> {
                    // lxml's .text stops at the first child node, comments included.
                    if (inParameter && depth == 2) {
                        textClosed = true;
                    }
                }
                default -> {
                    if (inParameter && depth == 2 && !textClosed) {
                        reader.appendText(text);
                    }
                }
            }
        }
    }

    /** lxml's {@code iterfind('parameter')} matches the name without namespace only. */
    private static boolean isPlainParameter(XmlReader reader) {
        return "parameter".equals(reader.localName()) && reader.namespaceUri().isEmpty();
    }

    private static void addParameter(Map<String, String> parameters, String id, String value) {
        String earlier = parameters.get(id);
        if (earlier == null) {
            parameters.put(id, value);
        } else if (value == null) {
            throw new MarshalException("Instance parameter '" + id + "' is repeated with an empty value");
        } else {
            parameters.put(id, earlier + " " + value);
        }
    }

    private static void requireXmlCompatible(String text) {
        int invalid = XmlText.findInvalidCharacter(text);
        if (invalid >= 0) {
            throw XmlText.invalidCharacter(invalid);
        }
    }
}
