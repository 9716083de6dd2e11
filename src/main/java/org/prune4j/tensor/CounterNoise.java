package org.prune4j.tensor;

/**
 * Counter-based random numbers: the value at (key, index) is a pure function of both, so perturbation noise is
 * regenerated in any order, on any thread or machine, and never stored (MeZO's trick). The key mixes
 * seed, layer, role and row; the index is the column. SplitMix64's finaliser is the mixing function.
 */
public final class CounterNoise {
    private CounterNoise() {}

    /** The noise distribution of a perturbation. */
    public enum Distribution { GAUSSIAN, RADEMACHER }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A row key from the parts that identify one weight row. */
    public static long key(long seed, int layer, int role, int row) {
        return mix(mix(mix(seed * GOLDEN + layer) + role * GOLDEN) + (long) row * GOLDEN);
    }

    /** 64 random bits at (key, index). */
    public static long bits(long key, long index) {
        return mix(key + (index + 1) * GOLDEN);
    }

    /** A standard normal value at (key, index): Box–Muller from the two 32-bit halves of one draw. */
    public static double gaussian(long key, long index) {
        long b = bits(key, index);
        double u1 = ((b >>> 40) + 1) * 0x1.0p-24; // (0, 1]: log is finite
        double u2 = ((b >>> 11) & ((1L << 24) - 1)) * 0x1.0p-24;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** ±1 with equal probability at (key, index). */
    public static double rademacher(long key, long index) {
        return (bits(key, index) & 1) == 0 ? 1.0 : -1.0;
    }

    public static double sample(Distribution d, long key, long index) {
        return d == Distribution.GAUSSIAN ? gaussian(key, index) : rademacher(key, index);
    }

    /** Fills z[off .. off+n) with the noise of one row (columns 0..n). */
    public static void fillRow(Distribution d, long key, float[] z, int off, int n) {
        for (int c = 0; c < n; c++) z[off + c] = (float) sample(d, key, c);
    }
}
