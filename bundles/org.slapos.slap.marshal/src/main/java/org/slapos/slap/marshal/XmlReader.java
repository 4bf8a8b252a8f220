package org.slapos.slap.marshal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small pull parser for the XML that SLAP exchanges (marshal and instance XML): namespace-aware,
 * non-validating, and checking well-formedness as XML 1.0 asks. It knows elements, attributes,
 * character data, CDATA sections, comments, processing instructions and the XML declaration; it
 * resolves the five predefined entities and character references. It refuses every DOCTYPE, hence
 * every DTD, entity declaration and external resource: nothing is ever fetched or expanded.
 *
 * <p>It replaces the JDK's StAX parser, whose set-up and security-limit bookkeeping cost more than
 * parsing the few hundred bytes of a typical form field. One instance reads one document, on one
 * thread. Failures are {@link MarshalException}s: "Malformed WHAT at line L, column C: why".
 */
final class XmlReader {

    static final int START_ELEMENT = 1;
    static final int END_ELEMENT = 2;
    /** Character data or a CDATA section inside the root element. */
    static final int TEXT = 3;
    static final int END_DOCUMENT = 4;
    static final int COMMENT = 5;
    static final int PROCESSING_INSTRUCTION = 6;

    private static final String XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
    private static final String XMLNS_NAMESPACE = "http://www.w3.org/2000/xmlns/";
    private static final Pattern DECLARED_ENCODING = Pattern.compile(
            "^<\\?xml\\s[^?]*?encoding\\s*=\\s*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']");

    /** What follows {@code <?xml} in a declaration: version, then optionally encoding and standalone. */
    private static final Pattern XML_DECLARATION = Pattern.compile(
            "\\s+version\\s*=\\s*([\"'])1\\.[0-9]+\\1"
                    + "(?:\\s+encoding\\s*=\\s*([\"'])\\s*[A-Za-z][A-Za-z0-9._-]*\\s*\\2)?"
                    + "(?:\\s+standalone\\s*=\\s*([\"'])(?:yes|no)\\3)?\\s*");

    private final String document;
    private final String what;
    private final int length;
    private int position;

    private boolean rootSeen;
    private boolean rootClosed;
    private boolean emptyElementPending;

    /** Qualified names of the open elements. */
    private String[] openElements = new String[16];
    private int depth;

    /** Namespace bindings in scope, innermost last, and how many each open element added. */
    private String[] boundPrefixes = new String[8];
    private String[] boundUris = new String[8];
    private int bindingCount;
    private int[] bindingsAddedAt = new int[16];

    private String localName;
    private String namespaceUri;
    private String[] attributeQualifiedNames = new String[8];
    private String[] attributeLocalNames = new String[8];
    private String[] attributeUris = new String[8];
    private String[] attributeValues = new String[8];
    private int attributeCount;

    /** Text of the current TEXT event: a range of the document, or the buffer when references were resolved. */
    private int textStart;
    private int textEnd;
    private final StringBuilder textBuffer = new StringBuilder();
    private boolean textInBuffer;

    /**
     * @param document the whole document
     * @param what what the document is, for messages ("marshal XML")
     */
    XmlReader(String document, String what) {
        this.what = what;
        String text = document;
        int invalid = firstInvalidCharacter(text);
        if (invalid >= 0) {
            this.document = text;
            this.length = text.length();
            throw malformedAt(invalid, String.format("invalid XML character U+%04X", (int) text.charAt(invalid)));
        }
        // XML 2.11: every CR LF pair and every lone CR is read as LF (&#13; still gives a CR).
        this.document = text.indexOf('\r') < 0 ? text : text.replace("\r\n", "\n").replace('\r', '\n');
        this.length = this.document.length();
    }

    /**
     * Decodes a document given as bytes: a byte-order mark or the XML declaration's encoding, else UTF-8.
     *
     * @throws MarshalException for an unknown encoding or bytes that are not valid in it
     */
    static String decode(byte[] bytes, String what) {
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
            skip = 3;
        } else if (startsWith(bytes, 0xFE, 0xFF)) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (startsWith(bytes, 0xFF, 0xFE)) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        } else if (startsWith(bytes, 0x00, 0x3C, 0x00, 0x3F)) {
            charset = StandardCharsets.UTF_16BE;
        } else if (startsWith(bytes, 0x3C, 0x00, 0x3F, 0x00)) {
            charset = StandardCharsets.UTF_16LE;
        } else if (startsWith(bytes, '<', '?', 'x', 'm', 'l')) {
            String head = new String(bytes, 0, Math.min(bytes.length, 256), StandardCharsets.ISO_8859_1);
            Matcher declared = DECLARED_ENCODING.matcher(head);
            if (declared.find()) {
                try {
                    charset = Charset.forName(declared.group(1));
                } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
                    throw new MarshalException("Malformed " + what + ": unsupported encoding " + declared.group(1));
                }
            }
        }
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip))
                    .toString();
        } catch (CharacterCodingException invalid) {
            throw new MarshalException("Malformed " + what + ": bytes that are not valid " + charset.name(), invalid);
        }
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int index = 0; index < prefix.length; index++) {
            if ((bytes[index] & 0xff) != prefix[index]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The next event: {@link #START_ELEMENT}, {@link #END_ELEMENT}, {@link #TEXT}, {@link #COMMENT},
     * {@link #PROCESSING_INSTRUCTION} or, once the root element is closed and only white space,
     * comments and processing instructions followed, {@link #END_DOCUMENT}.
     */
    int next() {
        if (emptyElementPending) {
            emptyElementPending = false;
            closeElement();
            return END_ELEMENT;
        }
        while (position < length) {
            char first = document.charAt(position);
            if (first != '<') {
                if (readText()) {
                    return TEXT;
                }
                continue;
            }
            if (document.startsWith("</", position)) {
                readEndTag();
                return END_ELEMENT;
            }
            if (document.startsWith("<!--", position)) {
                skipComment();
                return COMMENT;
            } else if (document.startsWith("<![CDATA[", position)) {
                if (depth == 0) {
                    throw malformed("CDATA section outside the root element");
                }
                readCdata();
                return TEXT;
            } else if (document.startsWith("<!DOCTYPE", position)) {
                throw new MarshalException("DTDs are not allowed in " + what);
            } else if (document.startsWith("<!", position)) {
                throw malformed("markup declarations are not allowed");
            } else if (document.startsWith("<?", position)) {
                if (skipProcessingInstruction()) {
                    return PROCESSING_INSTRUCTION;
                }
            } else {
                readStartTag();
                return START_ELEMENT;
            }
        }
        if (!rootSeen) {
            throw malformed("no root element");
        }
        if (depth > 0) {
            throw malformed("the document ends before </" + openElements[depth - 1] + ">");
        }
        return END_DOCUMENT;
    }

    /** The local name of the current element (start or end). */
    String localName() {
        return localName;
    }

    /** The namespace URI of the current element; empty for none. */
    String namespaceUri() {
        return namespaceUri;
    }

    /** The value of the current start element's first attribute with this local name, whatever its namespace; or null. */
    String attribute(String name) {
        for (int index = 0; index < attributeCount; index++) {
            if (name.equals(attributeLocalNames[index])) {
                return attributeValues[index];
            }
        }
        return null;
    }

    /** Appends the current TEXT event's characters. */
    void appendText(StringBuilder out) {
        if (textInBuffer) {
            out.append(textBuffer);
        } else {
            out.append(document, textStart, textEnd);
        }
    }

    /** Whether the current TEXT event holds only characters {@link Character#isWhitespace} accepts. */
    boolean isWhitespace() {
        CharSequence text = textInBuffer ? textBuffer : document;
        int start = textInBuffer ? 0 : textStart;
        int end = textInBuffer ? textBuffer.length() : textEnd;
        for (int index = start; index < end; index++) {
            if (!Character.isWhitespace(text.charAt(index))) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // text

    /** Reads character data up to the next markup; returns false when it was ignorable (outside the root). */
    private boolean readText() {
        int start = position;
        int end = document.indexOf('<', start);
        if (end < 0) {
            end = length;
        }
        if (depth == 0) {
            for (int index = start; index < end; index++) {
                if (!isXmlSpace(document.charAt(index))) {
                    position = index;
                    throw malformed(rootClosed ? "text after the root element" : "text before the root element");
                }
            }
            position = end;
            return false;
        }
        // One pass over the run (searching the rest of the document each time would be quadratic).
        int ampersand = -1;
        for (int index = start; index < end; index++) {
            char unit = document.charAt(index);
            if (unit == '&') {
                if (ampersand < 0) {
                    ampersand = index;
                }
            } else if (unit == '>' && index - start >= 2 && document.charAt(index - 1) == ']'
                    && document.charAt(index - 2) == ']') {
                position = index - 2;
                throw malformed("']]>' is not allowed in text");
            }
        }
        if (ampersand < 0) {
            textInBuffer = false;
            textStart = start;
            textEnd = end;
            position = end;
            return true;
        }
        textInBuffer = true;
        textBuffer.setLength(0);
        int run = start;
        for (int index = ampersand; index < end; ) {
            char unit = document.charAt(index);
            if (unit == '&') {
                textBuffer.append(document, run, index);
                position = index;
                index = appendReference(textBuffer);
                run = index;
            } else {
                index++;
            }
        }
        textBuffer.append(document, run, end);
        position = end;
        return true;
    }

    private void readCdata() {
        int start = position + "<![CDATA[".length();
        int end = document.indexOf("]]>", start);
        if (end < 0) {
            throw malformed("unterminated CDATA section");
        }
        textInBuffer = false;
        textStart = start;
        textEnd = end;
        position = end + 3;
    }

    /** Resolves the reference at {@link #position} into {@code out}; returns the index after its ';'. */
    private int appendReference(StringBuilder out) {
        int semicolon = document.indexOf(';', position + 1);
        if (semicolon < 0 || semicolon - position > 12) {
            throw malformed("'&' must start an entity or character reference");
        }
        String name = document.substring(position + 1, semicolon);
        switch (name) {
            case "lt" -> out.append('<');
            case "gt" -> out.append('>');
            case "amp" -> out.append('&');
            case "quot" -> out.append('"');
            case "apos" -> out.append('\'');
            default -> {
                if (!name.startsWith("#")) {
                    throw malformed("undeclared entity &" + name + ";");
                }
                out.appendCodePoint(characterReference(name));
            }
        }
        return semicolon + 1;
    }

    private int characterReference(String name) {
        boolean hex = name.startsWith("#x");
        String digits = name.substring(hex ? 2 : 1);
        int codePoint = digits.isEmpty() || digits.length() > 8 ? -1 : 0;
        for (int index = 0; index < digits.length() && codePoint >= 0; index++) {
            char unit = digits.charAt(index);
            int digit = unit >= '0' && unit <= '9' ? unit - '0'
                    : hex && unit >= 'a' && unit <= 'f' ? unit - 'a' + 10
                    : hex && unit >= 'A' && unit <= 'F' ? unit - 'A' + 10 : -1;
            codePoint = digit < 0 ? -1 : codePoint * (hex ? 16 : 10) + digit;
        }
        if (!isXmlCharacter(codePoint)) {
            throw malformed("invalid character reference &" + name + ";");
        }
        return codePoint;
    }

    // ---------------------------------------------------------------------------------------------
    // markup

    private void readStartTag() {
        if (rootClosed) {
            throw malformed("more than one root element");
        }
        position++;
        String qualifiedName = readName("element name");
        attributeCount = 0;
        int bindingsBefore = bindingCount;
        boolean empty;
        while (true) {
            boolean spaced = skipSpace();
            if (position >= length) {
                throw malformed("unterminated start tag <" + qualifiedName + ">");
            }
            char next = document.charAt(position);
            if (next == '>') {
                position++;
                empty = false;
                break;
            }
            if (next == '/') {
                if (!document.startsWith("/>", position)) {
                    throw malformed("expected '/>'");
                }
                position += 2;
                empty = true;
                break;
            }
            if (!spaced) {
                throw malformed("attributes must be separated by white space");
            }
            String attributeName = readName("attribute name");
            skipSpace();
            expect('=');
            skipSpace();
            String value = readAttributeValue();
            addAttribute(qualifiedName, attributeName, value);
        }
        resolveNames(qualifiedName);
        if (depth == openElements.length) {
            openElements = Arrays.copyOf(openElements, depth * 2);
            bindingsAddedAt = Arrays.copyOf(bindingsAddedAt, depth * 2);
        }
        openElements[depth] = qualifiedName;
        bindingsAddedAt[depth] = bindingCount - bindingsBefore;
        depth++;
        rootSeen = true;
        emptyElementPending = empty;
    }

    private void addAttribute(String element, String name, String value) {
        for (int index = 0; index < attributeCount; index++) {
            if (attributeQualifiedNames[index].equals(name)) {
                throw malformed("attribute " + name + " repeated in <" + element + ">");
            }
        }
        if (name.equals("xmlns") || name.startsWith("xmlns:")) {
            String prefix = name.length() == 5 ? "" : name.substring(6);
            if (prefix.equals("xmlns") || (!prefix.isEmpty() && value.isEmpty())) {
                throw malformed("invalid namespace declaration " + name + "=\"" + value + "\"");
            }
            bind(prefix, value);
            return;
        }
        if (attributeCount == attributeValues.length) {
            int size = attributeCount * 2;
            attributeQualifiedNames = Arrays.copyOf(attributeQualifiedNames, size);
            attributeLocalNames = Arrays.copyOf(attributeLocalNames, size);
            attributeUris = Arrays.copyOf(attributeUris, size);
            attributeValues = Arrays.copyOf(attributeValues, size);
        }
        attributeQualifiedNames[attributeCount] = name;
        attributeValues[attributeCount] = value;
        attributeCount++;
    }

    private void bind(String prefix, String uri) {
        if (bindingCount == boundPrefixes.length) {
            boundPrefixes = Arrays.copyOf(boundPrefixes, bindingCount * 2);
            boundUris = Arrays.copyOf(boundUris, bindingCount * 2);
        }
        boundPrefixes[bindingCount] = prefix;
        boundUris[bindingCount] = uri;
        bindingCount++;
    }

    /** Splits the element's and attributes' names into prefix and local name, and looks the prefixes up. */
    private void resolveNames(String qualifiedName) {
        int colon = qualifiedName.indexOf(':');
        localName = colon < 0 ? qualifiedName : qualifiedName.substring(colon + 1);
        namespaceUri = lookUp(colon < 0 ? "" : qualifiedName.substring(0, colon), qualifiedName);
        for (int index = 0; index < attributeCount; index++) {
            String name = attributeQualifiedNames[index];
            int attributeColon = name.indexOf(':');
            attributeLocalNames[index] = attributeColon < 0 ? name : name.substring(attributeColon + 1);
            // Unprefixed attributes are in no namespace, whatever the default namespace.
            attributeUris[index] = attributeColon < 0 ? "" : lookUp(name.substring(0, attributeColon), name);
            for (int earlier = 0; earlier < index; earlier++) {
                if (attributeLocalNames[earlier].equals(attributeLocalNames[index])
                        && attributeUris[earlier].equals(attributeUris[index]) && !attributeUris[index].isEmpty()) {
                    throw malformed("attribute " + name + " repeated in <" + qualifiedName + ">");
                }
            }
        }
    }

    private String lookUp(String prefix, String qualifiedName) {
        for (int index = bindingCount - 1; index >= 0; index--) {
            if (boundPrefixes[index].equals(prefix)) {
                return boundUris[index];
            }
        }
        if (prefix.isEmpty()) {
            return "";
        }
        if (prefix.equals("xml")) {
            return XML_NAMESPACE;
        }
        if (prefix.equals("xmlns")) {
            return XMLNS_NAMESPACE;
        }
        throw malformed("namespace prefix " + prefix + " of " + qualifiedName + " is not declared");
    }

    private void readEndTag() {
        int start = position;
        position += 2;
        String qualifiedName = readName("element name");
        skipSpace();
        expect('>');
        if (depth == 0) {
            position = start;
            throw malformed("end tag </" + qualifiedName + "> without a start tag");
        }
        if (!openElements[depth - 1].equals(qualifiedName)) {
            position = start;
            throw malformed("end tag </" + qualifiedName + "> does not match <" + openElements[depth - 1] + ">");
        }
        int colon = qualifiedName.indexOf(':');
        localName = colon < 0 ? qualifiedName : qualifiedName.substring(colon + 1);
        namespaceUri = lookUp(colon < 0 ? "" : qualifiedName.substring(0, colon), qualifiedName);
        closeElement();
    }

    private void closeElement() {
        depth--;
        bindingCount -= bindingsAddedAt[depth];
        if (depth == 0) {
            rootClosed = true;
        }
    }

    private void skipComment() {
        int start = position + 4;
        int end = document.indexOf("--", start);
        if (end < 0) {
            throw malformed("unterminated comment");
        }
        if (!document.startsWith("-->", end)) {
            position = end;
            throw malformed("'--' is not allowed in a comment");
        }
        position = end + 3;
    }

    /** Skips a processing instruction; returns false for the XML declaration, which is no node. */
    private boolean skipProcessingInstruction() {
        int start = position;
        position += 2;
        String target = readName("processing instruction target");
        int end = document.indexOf("?>", position);
        if (end < 0) {
            throw malformed("unterminated processing instruction");
        }
        if (target.equalsIgnoreCase("xml")) {
            if (start != 0 || !target.equals("xml")) {
                position = start;
                throw malformed("the XML declaration is only allowed at the start of the document");
            }
            if (!XML_DECLARATION.matcher(document.substring(position, end)).matches()) {
                throw malformed("invalid XML declaration");
            }
            position = end + 2;
            return false;
        }
        if (position < end && !isXmlSpace(document.charAt(position))) {
            throw malformed("expected white space after the processing instruction target");
        }
        position = end + 2;
        return true;
    }

    private String readAttributeValue() {
        if (position >= length) {
            throw malformed("expected a quoted attribute value");
        }
        char quote = document.charAt(position);
        if (quote != '"' && quote != '\'') {
            throw malformed("expected a quoted attribute value");
        }
        int start = position + 1;
        int end = document.indexOf(quote, start);
        if (end < 0) {
            throw malformed("unterminated attribute value");
        }
        boolean plain = true;
        for (int index = start; index < end; index++) {
            char unit = document.charAt(index);
            if (unit == '<') {
                position = index;
                throw malformed("'<' is not allowed in an attribute value");
            }
            if (unit == '&' || unit == '\t' || unit == '\n') {
                plain = false;
            }
        }
        if (plain) {
            position = end + 1;
            return document.substring(start, end);
        }
        // Attribute-value normalisation: white space characters become spaces, references do not.
        StringBuilder value = new StringBuilder(end - start);
        for (int index = start; index < end; ) {
            char unit = document.charAt(index);
            if (unit == '&') {
                position = index;
                index = appendReference(value);
            } else {
                value.append(unit == '\t' || unit == '\n' ? ' ' : unit);
                index++;
            }
        }
        position = end + 1;
        return value.toString();
    }

    /** Reads a name: XML's Name production, with at most one colon between two non-empty parts. */
    private String readName(String role) {
        int start = position;
        if (position < length && isNameStart(document.charAt(position))) {
            position++;
            while (position < length && isNameCharacter(document.charAt(position))) {
                position++;
            }
        }
        if (position == start) {
            throw malformed("expected " + role);
        }
        String name = document.substring(start, position);
        int colon = name.indexOf(':');
        if (colon == 0 || colon == name.length() - 1 || (colon > 0 && name.indexOf(':', colon + 1) >= 0)) {
            position = start;
            throw malformed("invalid qualified name " + name);
        }
        return name;
    }

    private boolean skipSpace() {
        int start = position;
        while (position < length && isXmlSpace(document.charAt(position))) {
            position++;
        }
        return position > start;
    }

    private void expect(char expected) {
        if (position >= length || document.charAt(position) != expected) {
            throw malformed("expected '" + expected + "'");
        }
        position++;
    }

    // ---------------------------------------------------------------------------------------------
    // characters

    private static boolean isXmlSpace(char unit) {
        return unit == ' ' || unit == '\n' || unit == '\t' || unit == '\r';
    }

    private static boolean isXmlCharacter(int codePoint) {
        return codePoint == 0x9 || codePoint == 0xA || codePoint == 0xD || (codePoint >= 0x20 && codePoint <= 0xD7FF)
                || (codePoint >= 0xE000 && codePoint <= 0xFFFD) || (codePoint >= 0x10000 && codePoint <= 0x10FFFF);
    }

    /** The index of the first unit that is no XML character (lone surrogates included), or -1. */
    private static int firstInvalidCharacter(String text) {
        int length = text.length();
        for (int index = 0; index < length; index++) {
            char unit = text.charAt(index);
            if (unit >= 0x20 && unit < 0xD800) {
                continue;
            }
            if (unit < 0x20) {
                if (unit != '\t' && unit != '\n' && unit != '\r') {
                    return index;
                }
            } else if (Character.isHighSurrogate(unit)) {
                if (index + 1 < length && Character.isLowSurrogate(text.charAt(index + 1))) {
                    index++;
                } else {
                    return index;
                }
            } else if (Character.isLowSurrogate(unit) || unit == 0xFFFE || unit == 0xFFFF) {
                return index;
            }
        }
        return -1;
    }

    /** XML 1.0 fifth edition NameStartChar; a surrogate stands for the supplementary planes. */
    private static boolean isNameStart(char unit) {
        if (unit < 0x80) {
            return (unit >= 'a' && unit <= 'z') || (unit >= 'A' && unit <= 'Z') || unit == '_' || unit == ':';
        }
        return (unit >= 0xC0 && unit <= 0xD6) || (unit >= 0xD8 && unit <= 0xF6) || (unit >= 0xF8 && unit <= 0x2FF)
                || (unit >= 0x370 && unit <= 0x37D) || (unit >= 0x37F && unit <= 0x1FFF) || unit == 0x200C
                || unit == 0x200D || (unit >= 0x2070 && unit <= 0x218F) || (unit >= 0x2C00 && unit <= 0x2FEF)
                || (unit >= 0x3001 && unit <= 0xDFFF) || (unit >= 0xF900 && unit <= 0xFDCF)
                || (unit >= 0xFDF0 && unit <= 0xFFFD);
    }

    private static boolean isNameCharacter(char unit) {
        if (unit < 0x80) {
            return (unit >= 'a' && unit <= 'z') || (unit >= 'A' && unit <= 'Z') || (unit >= '0' && unit <= '9')
                    || unit == '_' || unit == ':' || unit == '-' || unit == '.';
        }
        return isNameStart(unit) || unit == 0xB7 || (unit >= 0x300 && unit <= 0x36F) || unit == 0x203F
                || unit == 0x2040;
    }

    // ---------------------------------------------------------------------------------------------
    // errors

    private MarshalException malformed(String why) {
        return malformedAt(Math.min(position, length), why);
    }

    private MarshalException malformedAt(int at, String why) {
        int line = 1;
        int lineStart = 0;
        for (int index = 0; index < at && index < document.length(); index++) {
            if (document.charAt(index) == '\n') {
                line++;
                lineStart = index + 1;
            }
        }
        return new MarshalException("Malformed " + what + " at line " + line + ", column " + (at - lineStart + 1)
                + ": " + why);
    }
}
