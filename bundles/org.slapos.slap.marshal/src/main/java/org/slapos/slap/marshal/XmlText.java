package org.slapos.slap.marshal;

/** What lxml accepts in text and how it escapes it; reading is {@link XmlReader}'s. */
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
