package org.slapos.slap.marshal;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads marshal XML with {@link XmlReader} and an explicit stack (no recursion), accepting what
 * {@code xml_marshaller.loads} accepts: an XML declaration, whitespace between elements, any namespace
 * (only local names count), {@code <unicode>}, and lists or dictionaries without an id.
 */
final class MarshalDecoder {

    /** CPython 3.11 refuses to convert longer digit strings to int; it also keeps parsing linear. */
    private static final int MAX_INT_DIGITS = 4300;

    private static final Pattern PYTHON_FLOAT = Pattern.compile(
            "[+-]?(?:(?:\\d(?:_?\\d)*(?:\\.(?:\\d(?:_?\\d)*)?)?|\\.\\d(?:_?\\d)*)(?:[eE][+-]?\\d(?:_?\\d)*)?"
                    + "|(?i:inf|infinity|nan))");

    private static final Pattern PYTHON_INT = Pattern.compile("[+-]?\\d(?:_?\\d)*");

    private static final String WHAT = "marshal XML";

    private final MarshalLimits limits;
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final Map<String, Object> referenceableById = new HashMap<>();
    private int elementCount;
    private Object result;
    private boolean finished;

    private MarshalDecoder(MarshalLimits limits) {
        this.limits = limits;
    }

    static Object decode(String xml, MarshalLimits limits) {
        if (xml == null || xml.isEmpty()) {
            throw new MarshalException("Marshal XML is empty");
        }
        if (xml.length() > limits.maxBytes()
                || (xml.length() > limits.maxBytes() / 3 && XmlText.utf8Length(xml, limits.maxBytes()) > limits.maxBytes())) {
            throw tooLarge(limits);
        }
        return new MarshalDecoder(limits).parse(xml);
    }

    static Object decode(byte[] xml, MarshalLimits limits) {
        if (xml == null || xml.length == 0) {
            throw new MarshalException("Marshal XML is empty");
        }
        if (xml.length > limits.maxBytes()) {
            throw tooLarge(limits);
        }
        return new MarshalDecoder(limits).parse(XmlReader.decode(xml, WHAT));
    }

    private static MarshalException tooLarge(MarshalLimits limits) {
        return new MarshalException("Marshal XML exceeds " + limits.maxBytes() + " bytes");
    }

    private Object parse(String xml) {
        XmlReader reader = new XmlReader(xml, WHAT);
        for (int event = reader.next(); event != XmlReader.END_DOCUMENT; event = reader.next()) {
            switch (event) {
                case XmlReader.START_ELEMENT -> startElement(reader);
                case XmlReader.END_ELEMENT -> endElement();
                case XmlReader.TEXT -> text(reader);
                default -> {
                    // Comments and processing instructions carry no value.
                }
            }
        }
        if (!finished) {
            throw new MarshalException("Marshal XML holds no value");
        }
        return result;
    }

    private void startElement(XmlReader reader) {
        if (++elementCount > limits.maxElements()) {
            throw new MarshalException("Marshal XML has more than " + limits.maxElements() + " elements");
        }
        if (stack.size() + 1 > limits.maxDepth()) {
            throw new MarshalException("Marshal XML nests deeper than " + limits.maxDepth() + " elements");
        }
        if (finished) {
            throw new MarshalException("Marshal XML holds more than one root element");
        }
        String name = reader.localName();
        Frame parent = stack.peek();
        if (parent != null) {
            parent.beforeChild(name);
        }
        stack.push(openFrame(name, reader, parent == null));
    }

    private Frame openFrame(String name, XmlReader reader, boolean isRoot) {
        switch (name) {
            case "marshal":
                if (!isRoot) {
                    throw new MarshalException("Root element <marshal> found elsewhere than at the root");
                }
                return new RootFrame();
            case "none":
            case "bool":
            case "int":
            case "long":
            case "float":
            case "string":
            case "unicode":
                return new ScalarFrame(name);
            case "tuple":
                return new TupleFrame();
            case "list":
                return new ListFrame(register(reader, new ArrayList<>()));
            case "dictionary":
                return new DictionaryFrame(register(reader, new LinkedHashMap<>()));
            case "set":
                return new SetFrame(register(reader, new LinkedHashSet<>()));
            case "object":
                return openObject(reader);
            case "reference":
                return new ReferenceFrame(resolve(attribute(reader, "id")));
            case "complex":
            case "code":
                throw new MarshalException("Marshal element <" + name + "> is not supported");
            default:
                throw new MarshalException("Unknown marshal element <" + name + ">");
        }
    }

    private Frame openObject(XmlReader reader) {
        String module = attribute(reader, "module");
        String className = attribute(reader, "class");
        if (module == null || className == null) {
            throw new MarshalException("<object> needs module and class attributes");
        }
        SlapObject.requireAllowed(module, className, "unmarshall");
        return new ObjectFrame(register(reader, new SlapObject(className)));
    }

    /** Remembers a list, dictionary, set or object under its id, before its content, as Python does. */
    private <T> T register(XmlReader reader, T value) {
        String id = attribute(reader, "id");
        if (id != null) {
            referenceableById.put(id, value);
        }
        return value;
    }

    private Object resolve(String id) {
        if (id == null) {
            throw new MarshalException("<reference> needs an id attribute");
        }
        if (!referenceableById.containsKey(id)) {
            throw new MarshalException("<reference id=\"" + id + "\"> points to no earlier list, dictionary,"
                    + " set or object");
        }
        return referenceableById.get(id);
    }

    /** Only local names count, as in xml_marshaller's namespace-aware SAX handler. */
    private static String attribute(XmlReader reader, String localName) {
        return reader.attribute(localName);
    }

    private void endElement() {
        Frame frame = stack.pop();
        Object value = frame.finish();
        Frame parent = stack.peek();
        if (parent == null) {
            result = value;
            finished = true;
        } else {
            parent.add(value);
        }
    }

    private void text(XmlReader reader) {
        Frame frame = stack.peek();
        if (frame == null) {
            return;
        }
        if (frame instanceof ScalarFrame scalar) {
            reader.appendText(scalar.text);
        } else if (!reader.isWhitespace()) {
            throw new MarshalException("Unexpected text inside <" + frame.name() + ">");
        }
    }

    /** One open element and what has been read inside it so far. */
    private abstract static class Frame {

        abstract String name();

        /** Called before a child element opens; scalars refuse children. */
        void beforeChild(String childName) {
        }

        abstract void add(Object child);

        abstract Object finish();
    }

    private static final class RootFrame extends Frame {
        private Object value;
        private boolean hasValue;

        @Override
        String name() {
            return "marshal";
        }

        @Override
        void add(Object child) {
            if (hasValue) {
                throw new MarshalException("<marshal> must hold exactly one value");
            }
            value = child;
            hasValue = true;
        }

        @Override
        Object finish() {
            if (!hasValue) {
                throw new MarshalException("<marshal> must hold exactly one value");
            }
            return value;
        }
    }

    private static final class ScalarFrame extends Frame {
        private final String name;
        private final StringBuilder text = new StringBuilder();

        ScalarFrame(String name) {
            this.name = name;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void beforeChild(String childName) {
            throw new MarshalException("<" + name + "> cannot contain <" + childName + ">");
        }

        @Override
        void add(Object child) {
            throw new IllegalStateException("scalars have no children");
        }

        @Override
        Object finish() {
            return switch (name) {
                case "none" -> null;
                case "bool" -> !BigInteger.ZERO.equals(toBigInteger(parseInt(text, name)));
                case "int", "long" -> parseInt(text, name);
                case "float" -> parseFloat(text);
                default -> unescape(text.toString());
            };
        }
    }

    private static final class TupleFrame extends Frame {
        private final List<Object> items = new ArrayList<>();

        @Override
        String name() {
            return "tuple";
        }

        @Override
        void add(Object child) {
            items.add(child);
        }

        @Override
        Object finish() {
            return PyTuple.copyOf(items);
        }
    }

    private static final class ListFrame extends Frame {
        private final List<Object> list;

        ListFrame(List<Object> list) {
            this.list = list;
        }

        @Override
        String name() {
            return "list";
        }

        @Override
        void add(Object child) {
            list.add(child);
        }

        @Override
        Object finish() {
            return list;
        }
    }

    private static final class SetFrame extends Frame {
        private final Set<Object> set;

        SetFrame(Set<Object> set) {
            this.set = set;
        }

        @Override
        String name() {
            return "set";
        }

        @Override
        void add(Object child) {
            requireHashable(child, "set item");
            set.add(child);
        }

        @Override
        Object finish() {
            return set;
        }
    }

    private static final class DictionaryFrame extends Frame {
        private final Map<Object, Object> map;
        private Object pendingKey;
        private boolean hasPendingKey;

        DictionaryFrame(Map<Object, Object> map) {
            this.map = map;
        }

        @Override
        String name() {
            return "dictionary";
        }

        @Override
        void add(Object child) {
            if (hasPendingKey) {
                map.put(pendingKey, child);
                hasPendingKey = false;
                pendingKey = null;
            } else {
                requireHashable(child, "dictionary key");
                pendingKey = child;
                hasPendingKey = true;
            }
        }

        @Override
        Object finish() {
            if (hasPendingKey) {
                throw new MarshalException("<dictionary> holds a key without a value");
            }
            return map;
        }
    }

    private static final class ObjectFrame extends Frame {
        private final SlapObject object;
        private final List<Object> children = new ArrayList<>(2);

        ObjectFrame(SlapObject object) {
            this.object = object;
        }

        @Override
        String name() {
            return "object";
        }

        @Override
        void add(Object child) {
            if (children.size() == 2) {
                throw new MarshalException("<object> must hold an argument tuple and a state dictionary only");
            }
            children.add(child);
        }

        /** Rebuilds the object as Python does: the constructor's attributes first, then the state on top. */
        @Override
        @SuppressWarnings("unchecked")
        Object finish() {
            if (children.size() != 2 || !(children.get(0) instanceof List<?> arguments)
                    || !(children.get(1) instanceof Map<?, ?> state)) {
                throw new MarshalException("<object> must hold an argument tuple and a state dictionary");
            }
            for (Object key : state.keySet()) {
                if (!(key instanceof String)) {
                    throw new MarshalException(object.className() + " attribute names must be strings, got "
                            + PyRepr.reprForDebugging(key));
                }
            }
            PyTuple args = PyTuple.copyOf(arguments);
            Map<String, Object> attributes = SlapObject.constructorState(object.className(), args);
            attributes.putAll((Map<String, Object>) state);
            object.initialise(args, attributes);
            return object;
        }
    }

    private static final class ReferenceFrame extends Frame {
        private final Object target;

        ReferenceFrame(Object target) {
            this.target = target;
        }

        @Override
        String name() {
            return "reference";
        }

        @Override
        void beforeChild(String childName) {
            throw new MarshalException("<reference> cannot contain <" + childName + ">");
        }

        @Override
        void add(Object child) {
            throw new IllegalStateException("references have no children");
        }

        @Override
        Object finish() {
            return target;
        }
    }

    /**
     * Python refuses lists, dictionaries and sets as keys ({@code unhashable type}); refusing them here
     * also keeps Java from hashing a self-containing list forever. Objects are refused too: Python
     * hashes them by identity, this package by value.
     */
    private static void requireHashable(Object value, String role) {
        if (value instanceof PyTuple tuple) {
            for (Object item : tuple) {
                requireHashable(item, role);
            }
        } else if (value instanceof List<?> || value instanceof Map<?, ?> || value instanceof Set<?>
                || value instanceof SlapObject) {
            throw new MarshalException("Unsupported " + role + ": unhashable type "
                    + value.getClass().getSimpleName());
        }
    }

    /** Python {@code int(text)}: surrounding whitespace, a sign, digits with single underscores between. */
    private static Object parseInt(CharSequence text, String element) {
        String digits = toAsciiDigits(text.toString().strip());
        if (digits.length() > MAX_INT_DIGITS + 1 || !PYTHON_INT.matcher(digits).matches()) {
            throw new MarshalException("Invalid <" + element + "> value '" + abbreviate(text) + "'");
        }
        String plain = digits.replace("_", "");
        if (plain.length() <= 18) {
            return Long.parseLong(plain);
        }
        BigInteger big = new BigInteger(plain);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private static BigInteger toBigInteger(Object integer) {
        return integer instanceof BigInteger big ? big : BigInteger.valueOf((Long) integer);
    }

    /** Python {@code float(text)}: decimal forms, {@code inf}, {@code infinity}, {@code nan}, any case. */
    private static Double parseFloat(CharSequence text) {
        String trimmed = toAsciiDigits(text.toString().strip());
        if (!PYTHON_FLOAT.matcher(trimmed).matches()) {
            throw new MarshalException("Invalid <float> value '" + abbreviate(text) + "'");
        }
        String lower = trimmed.toLowerCase(java.util.Locale.ROOT);
        boolean negative = lower.startsWith("-");
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        return Double.parseDouble(trimmed.replace("_", ""));
    }

    /** Python's int() and float() accept any Unicode decimal digit; map them to ASCII first. */
    private static String toAsciiDigits(String text) {
        StringBuilder ascii = null;
        for (int index = 0; index < text.length(); ) {
            int codePoint = text.codePointAt(index);
            int width = Character.charCount(codePoint);
            if (codePoint > 0x7f && Character.getType(codePoint) == Character.DECIMAL_DIGIT_NUMBER) {
                if (ascii == null) {
                    ascii = new StringBuilder(text.length()).append(text, 0, index);
                }
                ascii.append((char) ('0' + Character.digit(codePoint, 10)));
            } else if (ascii != null) {
                ascii.append(text, index, index + width);
            }
            index += width;
        }
        return ascii == null ? text : ascii.toString();
    }

    private static String abbreviate(CharSequence text) {
        return text.length() <= 40 ? text.toString() : text.subSequence(0, 40) + "...";
    }

    /** {@code saxutils.unescape}: {@code &lt;}, then {@code &gt;}, then {@code &amp;}, in that order. */
    static String unescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
