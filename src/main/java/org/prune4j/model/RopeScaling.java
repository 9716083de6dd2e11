package org.prune4j.model;

/** LLaMA-3.1 "llama3" RoPE frequency scaling (Hugging Face {@code rope_scaling} with rope_type llama3). */
public record RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContext) {

    /** Applies the scaling to one inverse frequency, exactly as the reference implementation does. */
    public double scale(double invFreq) {
        double lowWavelen = originalContext / lowFreqFactor;
        double highWavelen = originalContext / highFreqFactor;
        double wavelen = 2 * Math.PI / invFreq;
        if (wavelen < highWavelen) return invFreq;
        if (wavelen > lowWavelen) return invFreq / factor;
        double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * invFreq / factor + smooth * invFreq;
    }
}
