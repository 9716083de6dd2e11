package org.prune4j.tensor;

/**
 * The view W + ε·z of a stored matrix, z ~ N(0, 1) or Rademacher per element, regenerated from
 * {@link CounterNoise} keyed by (seed, layer, role, row) whenever a row is widened. Two forward passes over the
 * +ε and −ε views give a two-point (SPSA/MeZO) loss difference while the stored weights are never touched.
 *
 * @param role an integer naming the tensor's role (its ordinal), part of the noise key
 */
public record PerturbedWeight(Matrix base, long seed, int layer, int role, double epsilon,
                              CounterNoise.Distribution distribution) implements Weight.BaseView {
    public PerturbedWeight {
        if (!Double.isFinite(epsilon)) throw new IllegalArgumentException("perturbation size must be finite, got " + epsilon);
    }

    public long rowKey(int r) {
        return CounterNoise.key(seed, layer, role, r);
    }

    @Override
    public void readRows(int r0, int n, float[] dst, int dstOff) {
        base.readRows(r0, n, dst, dstOff);
        int k = base.cols();
        for (int i = 0; i < n; i++) {
            long key = rowKey(r0 + i);
            int o = dstOff + i * k;
            for (int c = 0; c < k; c++) dst[o + c] += (float) (epsilon * CounterNoise.sample(distribution, key, c));
        }
    }
}
