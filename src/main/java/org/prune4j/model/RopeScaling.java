package org.prune4j.model;

/**
 * A re-scaling of RoPE's inverse frequencies θ_i = base^(-2i/d). Hugging Face describes LLaMA-3.1's by four
 * parameters; GGUF stores the resulting per-dimension divisors as the tensor {@code rope_freqs.weight}. Both forms
 * give the same frequencies, so either file format can carry a model that uses one.
 */
public sealed interface RopeScaling permits RopeScaling.Llama3, RopeScaling.Factors {

    /** The scaled inverse frequency of pair {@code i} (of headDim/2), given its unscaled value. */
    double scale(double invFreq, int i);

    /** Per-pair divisors θ_i / θ'_i for a head dimension: GGUF's rope_freqs. */
    default float[] factors(float theta, int headDim) {
        float[] f = new float[headDim / 2];
        for (int i = 0; i < f.length; i++) {
            double inv = 1.0 / Math.pow(theta, 2.0 * i / headDim);
            f[i] = (float) (inv / scale(inv, i));
        }
        return f;
    }

    /** LLaMA-3.1 {@code rope_scaling} with rope_type llama3. */
    record Llama3(float factor, float lowFreqFactor, float highFreqFactor, int originalContext) implements RopeScaling {
        @Override
        public double scale(double invFreq, int i) {
            double lowWavelen = originalContext / lowFreqFactor;
            double highWavelen = originalContext / highFreqFactor;
            double wavelen = 2 * Math.PI / invFreq;
            if (wavelen < highWavelen) return invFreq;
            if (wavelen > lowWavelen) return invFreq / factor;
            double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            return (1 - smooth) * invFreq / factor + smooth * invFreq;
        }
    }

    /** Explicit divisors, one per rotary pair, as llama.cpp applies rope_freqs. */
    record Factors(float[] divisors) implements RopeScaling {
        @Override
        public double scale(double invFreq, int i) {
            return invFreq / divisors[i];
        }

        @Override
        public float[] factors(float theta, int headDim) {
            return divisors.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Factors f && java.util.Arrays.equals(divisors, f.divisors);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(divisors);
        }
    }
}
