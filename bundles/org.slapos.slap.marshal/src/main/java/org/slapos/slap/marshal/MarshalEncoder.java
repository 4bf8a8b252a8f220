package org.slapos.slap.marshal;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the bytes that {@code xml_marshaller.dumps} (1.x, Python 3) followed by
 * {@code lxml.etree.tostring} produce, straight into a {@link StringBuilder}.
 */
final class MarshalEncoder {

    /** Python gives up at its default recursion limit of 1000; so do we, before the Java stack does. */
    private static final int MAX_NESTING = 1000;

    /** xml_marshaller writes ints as {@code <long>} unless {@code -1e24 < v < 1e24}, 1e24 being a float. */
    private static final BigInteger FLOAT_1E24 = new BigInteger("999999999999999983222784");

    private final StringBuilder out = new StringBuilder(256);
    private final IdentityHashMap<Object, Integer> idByContainer = new IdentityHashMap<>();
    private int lastId = 1;

    private MarshalEncoder() {
    }

    static String encode(Object value) {
        MarshalEncoder encoder = new MarshalEncoder();
        encoder.out.append("<marshal>");
        encoder.write(value, 0);
        encoder.out.append("</marshal>");
        return encoder.out.toString();
    }

    private void write(Object value, int depth) {
        if (depth > MAX_NESTING) {
            throw new MarshalException("Cannot marshal a value nested deeper than " + MAX_NESTING + " levels");
        }
        if (value == null) {
            out.append("<none/>");
        } else if (value instanceof String text) {
            writeString(text);
        } else if (value instanceof Boolean bool) {
            out.append(bool ? "<bool>1</bool>" : "<bool>0</bool>");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
            out.append("<int>").append(((Number) value).longValue()).append("</int>");
        } else if (value instanceof BigInteger big) {
            String element = big.abs().compareTo(FLOAT_1E24) < 0 ? "int" : "long";
            out.append('<').append(element).append('>').append(big).append("</").append(element).append('>');
        } else if (value instanceof Double || value instanceof Float) {
            out.append("<float>").append(PyRepr.floatRepr(((Number) value).doubleValue())).append("</float>");
        } else if (value instanceof byte[] bytes) {
            writeString(decodeUtf8(bytes));
        } else if (value instanceof PyTuple tuple) {
            writeTuple(tuple, depth);
        } else if (value instanceof List<?> || value instanceof Map<?, ?> || value instanceof Set<?>
                || value instanceof SlapObject) {
            writeReferenceable(value, depth);
        } else {
            throw new MarshalException("Refusing to marshall " + value.getClass().getName());
        }
    }

    /** Lists, dictionaries, sets and objects take an id, and are written as a reference when seen again. */
    private void writeReferenceable(Object value, int depth) {
        Integer knownId = idByContainer.get(value);
        if (knownId != null) {
            out.append("<reference id=\"i").append(knownId).append("\"/>");
            return;
        }
        int id = ++lastId;
        idByContainer.put(value, id);
        if (value instanceof List<?> list) {
            writeItems("list", id, list, depth);
        } else if (value instanceof Set<?> set) {
            writeItems("set", id, set, depth);
        } else if (value instanceof Map<?, ?> map) {
            writeDictionary(id, map, depth);
        } else {
            writeObject(id, (SlapObject) value, depth);
        }
    }

    private void writeItems(String element, int id, Iterable<?> items, int depth) {
        out.append('<').append(element).append(" id=\"i").append(id).append('"');
        int start = out.length();
        out.append('>');
        boolean empty = true;
        for (Object item : items) {
            empty = false;
            write(item, depth + 1);
        }
        closeElement(element, start, empty);
    }

    private void writeTuple(PyTuple tuple, int depth) {
        if (tuple.isEmpty()) {
            out.append("<tuple/>");
            return;
        }
        out.append("<tuple>");
        for (Object item : tuple) {
            write(item, depth + 1);
        }
        out.append("</tuple>");
    }

    private void writeDictionary(int id, Map<?, ?> map, int depth) {
        out.append("<dictionary id=\"i").append(id).append('"');
        if (map.isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        for (Map.Entry<?, ?> entry : sortedEntries(map)) {
            write(entry.getKey(), depth + 1);
            write(entry.getValue(), depth + 1);
        }
        out.append("</dictionary>");
    }

    private void writeObject(int id, SlapObject object, int depth) {
        out.append("<object id=\"i").append(id).append("\" module=\"").append(object.module())
                .append("\" class=\"").append(object.className()).append("\">");
        writeTuple(object.args(), depth + 1);
        // The state dictionary is a container of its own: it takes the next id, like __dict__ does.
        write(object.state(), depth + 1);
        out.append("</object>");
    }

    /** Turns {@code <x id="iN">} just written into {@code <x id="iN"/>} when nothing followed. */
    private void closeElement(String element, int startTagEnd, boolean empty) {
        if (empty) {
            out.setLength(startTagEnd);
            out.append("/>");
        } else {
            out.append("</").append(element).append('>');
        }
    }

    private static List<Map.Entry<?, ?>> sortedEntries(Map<?, ?> map) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        boolean allStrings = true;
        for (Map.Entry<?, ?> entry : entries) {
            if (!(entry.getKey() instanceof String)) {
                allStrings = false;
                break;
            }
        }
        try {
            if (allStrings) {
                entries.sort((a, b) -> PythonOrdering.CODE_POINT_ORDER.compare((String) a.getKey(),
                        (String) b.getKey()));
            } else {
                entries.sort((a, b) -> PythonOrdering.KEY_ORDER.compare(a.getKey(), b.getKey()));
            }
        } catch (IllegalArgumentException inconsistent) {
            // TimSort noticed that the mixed keys have no consistent Python order.
            throw new MarshalException("Cannot sort dictionary keys consistently: " + map.keySet(), inconsistent);
        }
        return entries;
    }

    /**
     * {@code m_string}: saxutils.escape, then lxml escapes again and writes every non-ASCII code point as
     * one decimal character reference. So {@code &} becomes {@code &amp;amp;}.
     */
    private void writeString(String text) {
        out.append("<string>");
        int length = text.length();
        // Plain printable ASCII is copied in runs; only the rest is looked at one unit at a time.
        int runStart = 0;
        for (int index = 0; index < length; index++) {
            char unit = text.charAt(index);
            if (unit >= 0x20 && unit < 0x7f && unit != '&' && unit != '<' && unit != '>') {
                continue;
            }
            out.append(text, runStart, index);
            switch (unit) {
                case '&' -> out.append("&amp;amp;");
                case '<' -> out.append("&amp;lt;");
                case '>' -> out.append("&amp;gt;");
                case '\t', '\n', 0x7f -> out.append(unit);
                case '\r' -> out.append("&#13;");
                default -> index = writeCharacterReference(text, index);
            }
            runStart = index + 1;
        }
        out.append(text, runStart, length);
        out.append("</string>");
    }

    /** Writes the code point at {@code index} as {@code &#N;}; returns the index of its last UTF-16 unit. */
    private int writeCharacterReference(String text, int index) {
        char unit = text.charAt(index);
        if (unit < 0x20 || unit == 0xfffe || unit == 0xffff) {
            throw XmlText.invalidCharacter(unit);
        }
        if (Character.isHighSurrogate(unit) && index + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(index + 1))) {
            out.append("&#").append(Character.toCodePoint(unit, text.charAt(index + 1))).append(';');
            return index + 1;
        }
        if (Character.isSurrogate(unit)) {
            throw XmlText.invalidCharacter(unit);
        }
        out.append("&#").append((int) unit).append(';');
        return index;
    }

    /** Python's {@code bytes.decode('utf-8')}, which fails on malformed input instead of replacing it. */
    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            throw new MarshalException("Cannot marshal bytes that are not UTF-8", notUtf8);
        }
    }
}
