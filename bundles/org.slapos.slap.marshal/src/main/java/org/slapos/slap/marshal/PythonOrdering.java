package org.slapos.slap.marshal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The dictionary key order of xml_marshaller: Python's {@code cmp(a, b)}, and when Python refuses to
 * compare the two keys ({@code TypeError}), their {@code repr()}s compared instead.
 */
final class PythonOrdering {

    /** Sorts str keys by code point; SLAP dictionaries only have str keys, so this is the hot path. */
    static final Comparator<String> CODE_POINT_ORDER = PythonOrdering::compareCodePoints;

    static final Comparator<Object> KEY_ORDER = PythonOrdering::compareKeys;

    /** What {@link #compare} returns when Python would raise {@code TypeError}. */
    private static final int INCOMPARABLE = Integer.MIN_VALUE;

    private PythonOrdering() {
    }

    /**
     * Compares by Unicode code point, not UTF-16 unit: U+E000..U+FFFF sort before astral characters,
     * whose surrogates (U+D800..U+DFFF) would otherwise sort first.
     */
    static int compareCodePoints(String left, String right) {
        int length = Math.min(left.length(), right.length());
        for (int index = 0; index < length; index++) {
            char a = left.charAt(index);
            char b = right.charAt(index);
            if (a != b) {
                if (a >= Character.MIN_SURROGATE && b >= Character.MIN_SURROGATE) {
                    return codePointRank(a) - codePointRank(b);
                }
                return a - b;
            }
        }
        return left.length() - right.length();
    }

    /** Moves surrogates above U+E000..U+FFFF so that unit order matches code point order. */
    private static int codePointRank(char unit) {
        return Character.isSurrogate(unit) ? unit + 0x2000 : unit - 0x800;
    }

    private static int compareKeys(Object left, Object right) {
        int order = compare(normalise(left), normalise(right));
        if (order == INCOMPARABLE) {
            return compareCodePoints(PyRepr.repr(left), PyRepr.repr(right));
        }
        return order;
    }

    private static Object normalise(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value;
    }

    /** {@code (a > b) - (a < b)} in Python 3, or {@link #INCOMPARABLE}. */
    private static int compare(Object left, Object right) {
        if (left instanceof String a && right instanceof String b) {
            return Integer.signum(compareCodePoints(a, b));
        }
        if (isNumber(left) && isNumber(right)) {
            return compareNumbers(left, right);
        }
        if (left instanceof PyTuple a && right instanceof PyTuple b) {
            return compareSequences(a, b);
        }
        if (left instanceof List<?> a && right instanceof List<?> b
                && !(left instanceof PyTuple) && !(right instanceof PyTuple)) {
            return compareSequences(a, b);
        }
        if (left instanceof Set<?> a && right instanceof Set<?> b) {
            // Python orders sets by inclusion, a partial order.
            boolean greater = a.size() > b.size() && a.containsAll(b);
            boolean less = a.size() < b.size() && b.containsAll(a);
            return (greater ? 1 : 0) - (less ? 1 : 0);
        }
        return INCOMPARABLE;
    }

    /** Python compares sequences at their first unequal item, then by length. */
    private static int compareSequences(List<?> left, List<?> right) {
        int length = Math.min(left.size(), right.size());
        for (int index = 0; index < length; index++) {
            Object a = normalise(left.get(index));
            Object b = normalise(right.get(index));
            if (!pythonEquals(a, b)) {
                return compare(a, b);
            }
        }
        return Integer.compare(left.size(), right.size());
    }

    private static boolean pythonEquals(Object left, Object right) {
        if (isNumber(left) && isNumber(right)) {
            return compareNumbers(left, right) == 0 && !isNaN(left) && !isNaN(right);
        }
        return Objects.equals(left, right);
    }

    private static boolean isNumber(Object value) {
        return value instanceof Boolean || value instanceof Long || value instanceof Integer
                || value instanceof Short || value instanceof Byte || value instanceof BigInteger
                || value instanceof Double || value instanceof Float;
    }

    private static boolean isNaN(Object value) {
        return (value instanceof Double || value instanceof Float) && Double.isNaN(((Number) value).doubleValue());
    }

    /** Exact comparison across int, bool and float, as Python does; NaN is neither less nor greater. */
    private static int compareNumbers(Object left, Object right) {
        if (isNaN(left) || isNaN(right)) {
            return 0;
        }
        boolean leftFloat = left instanceof Double || left instanceof Float;
        boolean rightFloat = right instanceof Double || right instanceof Float;
        if (leftFloat && rightFloat) {
            return Integer.signum(Double.compare(((Number) left).doubleValue() + 0.0,
                    ((Number) right).doubleValue() + 0.0));
        }
        if (leftFloat && Double.isInfinite(((Number) left).doubleValue())) {
            return ((Number) left).doubleValue() > 0 ? 1 : -1;
        }
        if (rightFloat && Double.isInfinite(((Number) right).doubleValue())) {
            return ((Number) right).doubleValue() > 0 ? -1 : 1;
        }
        return toBigDecimal(left).compareTo(toBigDecimal(right));
    }

    private static BigDecimal toBigDecimal(Object number) {
        if (number instanceof Boolean bool) {
            return bool ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (number instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (number instanceof Double || number instanceof Float) {
            return new BigDecimal(((Number) number).doubleValue());
        }
        return BigDecimal.valueOf(((Number) number).longValue());
    }
}
