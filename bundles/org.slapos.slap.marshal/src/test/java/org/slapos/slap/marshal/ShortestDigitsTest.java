package org.slapos.slap.marshal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ShortestDigits} against an exact, slow reference built on {@link BigDecimal}: the shortest
 * decimal that parses back to the double and, among those of that length, the nearest (ties to even).
 */
class ShortestDigitsTest {

    /** The reference: digits and exponent, trailing zeros stripped. */
    private static ShortestDigits.Decimal reference(double value) {
        BigDecimal exact = new BigDecimal(value);
        BigDecimal shortest = null;
        for (int precision = 1; precision <= 17 && shortest == null; precision++) {
            BigDecimal below = exact.round(new MathContext(precision, RoundingMode.FLOOR));
            BigDecimal above = exact.round(new MathContext(precision, RoundingMode.CEILING));
            boolean belowReadsBack = readsBack(below, value);
            boolean aboveReadsBack = readsBack(above, value);
            if (belowReadsBack && aboveReadsBack) {
                int closer = exact.subtract(below).compareTo(above.subtract(exact));
                shortest = closer == 0 ? exact.round(new MathContext(precision, RoundingMode.HALF_EVEN))
                        : closer < 0 ? below : above;
            } else if (belowReadsBack) {
                shortest = below;
            } else if (aboveReadsBack) {
                shortest = above;
            }
        }
        BigDecimal stripped = shortest.stripTrailingZeros();
        return new ShortestDigits.Decimal(stripped.unscaledValue().longValueExact(), -stripped.scale());
    }

    private static boolean readsBack(BigDecimal candidate, double value) {
        return Double.parseDouble(candidate.toString()) == value;
    }

    private static List<String> mismatches(Iterable<Double> values) {
        List<String> mismatches = new ArrayList<>();
        for (double value : values) {
            ShortestDigits.Decimal expected = reference(value);
            ShortestDigits.Decimal actual = ShortestDigits.of(value);
            if (!expected.equals(actual) && mismatches.size() < 20) {
                mismatches.add(Long.toHexString(Double.doubleToRawLongBits(value)) + " (" + value + "): expected "
                        + expected + ", got " + actual);
            }
        }
        return mismatches;
    }

    @Test
    void matchesTheReferenceOnRandomBitPatterns() {
        SplittableRandom random = new SplittableRandom(0x5eed_f10a7L);
        List<Double> values = new ArrayList<>();
        while (values.size() < 100_000) {
            double value = Math.abs(Double.longBitsToDouble(random.nextLong()));
            if (value > 0 && Double.isFinite(value)) {
                values.add(value);
            }
        }
        assertEquals(List.of(), mismatches(values));
    }

    @Test
    void matchesTheReferenceOnTimestampsAndShortDecimals() {
        SplittableRandom random = new SplittableRandom(42);
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            // time.time() values (microsecond steps around 2026) and short decimals parsed from text.
            values.add(1.7e9 + random.nextInt(200_000_000) + random.nextInt(1_000_000) / 1e6);
            values.add(Double.parseDouble(random.nextInt(1, 100_000) + "e" + random.nextInt(-330, 300)));
        }
        values.removeIf(v -> v == 0 || Double.isInfinite(v));
        assertEquals(List.of(), mismatches(values));
    }

    @Test
    void matchesTheReferenceAtEveryPowerOfTwoAndItsNeighbours() {
        // At a power of two the interval below is half as wide: the case where the nearest is not enough.
        List<Double> values = new ArrayList<>();
        for (int exponent = 1; exponent < 2047; exponent++) {
            long bits = (long) exponent << 52;
            values.add(Double.longBitsToDouble(bits));
            values.add(Double.longBitsToDouble(bits + 1));
            values.add(Double.longBitsToDouble(bits - 1));
        }
        for (long mantissa = 1; mantissa < 5000; mantissa++) {
            values.add(Double.longBitsToDouble(mantissa)); // subnormals
        }
        values.add(Double.MAX_VALUE);
        values.add(Double.MIN_NORMAL);
        for (long integer = 1; integer < 100_000; integer += 7) {
            values.add((double) integer);
            values.add(integer / 10.0);
            values.add(integer / 1000.0);
        }
        assertEquals(List.of(), mismatches(values));
    }

    @Test
    void refusesWhatHasNoDigits() {
        assertThrows(IllegalArgumentException.class, () -> ShortestDigits.of(0.0));
        assertThrows(IllegalArgumentException.class, () -> ShortestDigits.of(-1.0));
        assertThrows(IllegalArgumentException.class, () -> ShortestDigits.of(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ShortestDigits.of(Double.POSITIVE_INFINITY));
    }
}
