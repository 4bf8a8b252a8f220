package org.slapos.slap.marshal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the copied golden data and wire samples from the test class path. */
final class TestResources {

    private TestResources() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = TestResources.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> golden() {
        return (Map<String, Object>) MiniJson.parse(text("marshal-golden.json"));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> goldenList(String key) {
        return (List<Map<String, Object>>) golden().get(key);
    }

    /**
     * Turns a golden typed value ({@code {"t": "int", "v": "1"}}) into the Java value model. The golden
     * data cannot express shared instances, so when {@code shareEqualContainers} is set, equal lists,
     * dictionaries and objects become one instance, which is what the entries with references mean.
     */
    static Object toJava(Object typed, boolean shareEqualContainers) {
        return new Converter(shareEqualContainers).convert(typed);
    }

    private static final class Converter {
        private final boolean shareEqualContainers;
        private final List<Object> seen = new ArrayList<>();

        Converter(boolean shareEqualContainers) {
            this.shareEqualContainers = shareEqualContainers;
        }

        @SuppressWarnings("unchecked")
        Object convert(Object typedValue) {
            Map<String, Object> typed = (Map<String, Object>) typedValue;
            String type = (String) typed.get("t");
            Object v = typed.get("v");
            switch (type) {
                case "none":
                    return null;
                case "bool":
                    return v;
                case "int": {
                    BigInteger big = new BigInteger((String) v);
                    return big.bitLength() < 64 ? (Object) big.longValue() : big;
                }
                case "float":
                    return parsePythonFloat((String) v);
                case "str":
                    return v;
                case "list": {
                    List<Object> list = new ArrayList<>();
                    for (Object item : (List<Object>) v) {
                        list.add(convert(item));
                    }
                    return share(list);
                }
                case "tuple": {
                    List<Object> items = new ArrayList<>();
                    for (Object item : (List<Object>) v) {
                        items.add(convert(item));
                    }
                    return PyTuple.copyOf(items);
                }
                case "dict":
                    return share(convertPairs((List<Object>) v));
                case "object": {
                    List<Object> args = new ArrayList<>();
                    for (Object item : (List<Object>) typed.get("args")) {
                        args.add(convert(item));
                    }
                    Map<String, Object> state = new LinkedHashMap<>();
                    convertPairs((List<Object>) typed.get("state")).forEach((k, value) -> state.put((String) k, value));
                    return share(new SlapObject((String) typed.get("class"), PyTuple.copyOf(args), state));
                }
                default:
                    throw new IllegalArgumentException("Unknown golden type " + type);
            }
        }

        @SuppressWarnings("unchecked")
        private Map<Object, Object> convertPairs(List<Object> pairs) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (Object pair : pairs) {
                List<Object> keyAndValue = (List<Object>) pair;
                map.put(convert(keyAndValue.get(0)), convert(keyAndValue.get(1)));
            }
            return map;
        }

        private Object share(Object container) {
            if (!shareEqualContainers) {
                return container;
            }
            for (Object earlier : seen) {
                if (earlier.getClass() == container.getClass() && earlier.equals(container)) {
                    return earlier;
                }
            }
            seen.add(container);
            return container;
        }
    }

    static double parsePythonFloat(String text) {
        return switch (text) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
