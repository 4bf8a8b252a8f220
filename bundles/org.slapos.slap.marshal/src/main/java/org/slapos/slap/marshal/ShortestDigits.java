package org.slapos.slap.marshal;

import java.math.BigInteger;

/**
 * The shortest decimal digits that read back as a given double and, among those, the closest to it
 * (ties to an even last digit): what David Gay's dtoa mode 0 gives CPython's {@code repr(float)}.
 *
 * <p>This is Ulf Adams' Ryū algorithm (PLDI 2018) on 64-bit integers: the bounds of the interval
 * of decimals that round to the double are scaled by a 125-bit approximation of a power of five,
 * then digits are dropped while the bounds still differ. JDK 17's {@code Double.toString} is not
 * always shortest (JDK-4511638), and an exact {@code BigDecimal} search costs microseconds per value.
 *
 * <p>The power-of-five tables are computed once, exactly, with {@link BigInteger}; they are
 * immutable constants.
 */
final class ShortestDigits {

    private static final int MANTISSA_BITS = 52;
    private static final int EXPONENT_BIAS = 1023;
    private static final int POW5_INV_BITCOUNT = 125;
    private static final int POW5_BITCOUNT = 125;
    private static final int POW5_INV_TABLE_SIZE = 342;
    private static final int POW5_TABLE_SIZE = 326;

    /** ceil(2^(bitlength(5^q) - 1 + 125) / 5^q) + rounding, as {low, high} 64-bit halves. */
    private static final long[] POW5_INV_LOW = new long[POW5_INV_TABLE_SIZE];
    private static final long[] POW5_INV_HIGH = new long[POW5_INV_TABLE_SIZE];
    /** The 125 leading bits of 5^i, as {low, high} 64-bit halves. */
    private static final long[] POW5_LOW = new long[POW5_TABLE_SIZE];
    private static final long[] POW5_HIGH = new long[POW5_TABLE_SIZE];

    static {
        BigInteger mask = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        for (int q = 0; q < POW5_INV_TABLE_SIZE; q++) {
            BigInteger pow = BigInteger.valueOf(5).pow(q);
            int length = pow.bitLength();
            BigInteger inverse = BigInteger.ONE.shiftLeft(length - 1 + POW5_INV_BITCOUNT).divide(pow).add(BigInteger.ONE);
            POW5_INV_LOW[q] = inverse.and(mask).longValue();
            POW5_INV_HIGH[q] = inverse.shiftRight(64).longValue();
        }
        for (int i = 0; i < POW5_TABLE_SIZE; i++) {
            BigInteger pow = BigInteger.valueOf(5).pow(i);
            int shift = pow.bitLength() - POW5_BITCOUNT;
            BigInteger leading = shift >= 0 ? pow.shiftRight(shift) : pow.shiftLeft(-shift);
            POW5_LOW[i] = leading.and(mask).longValue();
            POW5_HIGH[i] = leading.shiftRight(64).longValue();
        }
    }

    /** The digits, without trailing zeros, and the power of ten of the last one: value = digits x 10^exponent. */
    record Decimal(long digits, int exponent) {
    }

    private ShortestDigits() {
    }

    /**
     * The shortest round-trip decimal of a finite, strictly positive double.
     *
     * @throws IllegalArgumentException for zero, a negative, infinite or NaN value
     */
    static Decimal of(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("Needs a finite positive double, got " + value);
        }
        long bits = Double.doubleToRawLongBits(value);
        long ieeeMantissa = bits & ((1L << MANTISSA_BITS) - 1);
        int ieeeExponent = (int) (bits >>> MANTISSA_BITS);

        int e2;
        long m2;
        if (ieeeExponent == 0) {
            e2 = 1 - EXPONENT_BIAS - MANTISSA_BITS - 2;
            m2 = ieeeMantissa;
        } else {
            e2 = ieeeExponent - EXPONENT_BIAS - MANTISSA_BITS - 2;
            m2 = (1L << MANTISSA_BITS) | ieeeMantissa;
        }
        boolean acceptBounds = (m2 & 1) == 0;

        // The interval of decimals that round to the value is [mm, mp] around mv, all times 2^e2.
        long mv = 4 * m2;
        int mmShift = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1 : 0;
        long mp = mv + 2;
        long mm = mv - 1 - mmShift;

        long vr;
        long vp;
        long vm;
        int e10;
        boolean vmIsTrailingZeros = false;
        boolean vrIsTrailingZeros = false;
        if (e2 >= 0) {
            int q = log10Pow2(e2) - (e2 > 3 ? 1 : 0);
            e10 = q;
            int k = POW5_INV_BITCOUNT + pow5Bits(q) - 1;
            int shift = -e2 + q + k;
            vr = mulShift(mv, POW5_INV_LOW[q], POW5_INV_HIGH[q], shift);
            vp = mulShift(mp, POW5_INV_LOW[q], POW5_INV_HIGH[q], shift);
            vm = mulShift(mm, POW5_INV_LOW[q], POW5_INV_HIGH[q], shift);
            if (q <= 21) {
                // Only here can the scaled values be exact; then trailing zeros decide the rounding.
                if (mv % 5 == 0) {
                    vrIsTrailingZeros = multipleOfPowerOf5(mv, q);
                } else if (acceptBounds) {
                    vmIsTrailingZeros = multipleOfPowerOf5(mm, q);
                } else {
                    vp -= multipleOfPowerOf5(mp, q) ? 1 : 0;
                }
            }
        } else {
            int q = log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
            e10 = q + e2;
            int i = -e2 - q;
            int k = pow5Bits(i) - POW5_BITCOUNT;
            int shift = q - k;
            vr = mulShift(mv, POW5_LOW[i], POW5_HIGH[i], shift);
            vp = mulShift(mp, POW5_LOW[i], POW5_HIGH[i], shift);
            vm = mulShift(mm, POW5_LOW[i], POW5_HIGH[i], shift);
            if (q <= 1) {
                vrIsTrailingZeros = true;
                if (acceptBounds) {
                    vmIsTrailingZeros = mmShift == 1;
                } else {
                    vp--;
                }
            } else if (q < 63) {
                vrIsTrailingZeros = (mv & ((1L << q) - 1)) == 0;
            }
        }

        int removed = 0;
        int lastRemovedDigit = 0;
        long output;
        if (vmIsTrailingZeros || vrIsTrailingZeros) {
            while (vp / 10 > vm / 10) {
                vmIsTrailingZeros &= vm % 10 == 0;
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = (int) (vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
            if (vmIsTrailingZeros) {
                while (vm % 10 == 0) {
                    vrIsTrailingZeros &= lastRemovedDigit == 0;
                    lastRemovedDigit = (int) (vr % 10);
                    vr /= 10;
                    vp /= 10;
                    vm /= 10;
                    removed++;
                }
            }
            if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0) {
                // Exactly half-way: round to even.
                lastRemovedDigit = 4;
            }
            output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1 : 0);
        } else {
            boolean roundUp = false;
            while (vp / 10 > vm / 10) {
                roundUp = vr % 10 >= 5;
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
            output = vr + (vr == vm || roundUp ? 1 : 0);
        }
        int exponent = e10 + removed;
        while (output % 10 == 0) {
            output /= 10;
            exponent++;
        }
        return new Decimal(output, exponent);
    }

    /** floor(log10(2^e)) for 0 &lt;= e &lt;= 1650. */
    private static int log10Pow2(int e) {
        return (int) ((e * 78913L) >>> 18);
    }

    /** floor(log10(5^e)) for 0 &lt;= e &lt;= 2620. */
    private static int log10Pow5(int e) {
        return (int) ((e * 732923L) >>> 20);
    }

    /** bitlength(5^e), that is ceil(log2(5^e)) for e &gt;= 1 and 1 for e = 0. */
    private static int pow5Bits(int e) {
        return (int) (((e * 1217359L) >>> 19) + 1);
    }

    private static boolean multipleOfPowerOf5(long value, int p) {
        int count = 0;
        while (value > 0 && value % 5 == 0) {
            value /= 5;
            count++;
        }
        return count >= p;
    }

    /** (m x (high x 2^64 + low)) &gt;&gt; shift, for m &lt; 2^56 and 64 &lt; shift &lt; 128. */
    private static long mulShift(long m, long low, long high, int shift) {
        long lowProductHigh = unsignedMultiplyHigh(m, low);
        long highProductLow = m * high;
        long highProductHigh = unsignedMultiplyHigh(m, high);
        long sumLow = highProductLow + lowProductHigh;
        long sumHigh = highProductHigh + (Long.compareUnsigned(sumLow, highProductLow) < 0 ? 1 : 0);
        int distance = shift - 64;
        if (distance == 0) {
            return sumLow;
        }
        return (sumLow >>> distance) | (sumHigh << (64 - distance));
    }

    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }
}
