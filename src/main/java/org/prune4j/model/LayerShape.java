package org.prune4j.model;

/**
 * The shape of one decoder layer. Pruned models differ per layer, so nothing in prune4j reads a global head
 * count or MLP width. {@code heads == 0} means the attention sub-block was removed; {@code ffnDim == 0} the MLP.
 */
public record LayerShape(int heads, int kvHeads, int headDim, int ffnDim,
                         boolean qkvBias, boolean oBias, boolean downBias) {

    public LayerShape {
        if (heads < 0 || kvHeads < 0 || headDim <= 0 || ffnDim < 0) {
            throw new IllegalArgumentException("invalid layer shape: heads=" + heads + " kvHeads=" + kvHeads
                    + " headDim=" + headDim + " ffn=" + ffnDim);
        }
        if (heads > 0 && (kvHeads == 0 || heads % kvHeads != 0)) {
            throw new IllegalArgumentException("query heads " + heads + " are not a multiple of KV heads " + kvHeads);
        }
        if (heads == 0 && kvHeads != 0) {
            throw new IllegalArgumentException("a layer without query heads cannot keep " + kvHeads + " KV heads");
        }
    }

    public static LayerShape plain(int heads, int kvHeads, int headDim, int ffnDim) {
        return new LayerShape(heads, kvHeads, headDim, ffnDim, false, false, false);
    }

    public int qDim() { return heads * headDim; }
    public int kvDim() { return kvHeads * headDim; }
    public boolean hasAttention() { return heads > 0; }
    public boolean hasMlp() { return ffnDim > 0; }
    /** Query heads reading each KV head. */
    public int groupSize() { return kvHeads == 0 ? 0 : heads / kvHeads; }

    /** Parameters of this layer's weights and biases at model width {@code hidden}, norms included. */
    public long parameters(int hidden) {
        long p = 0;
        if (hasAttention()) {
            p += hidden + (long) hidden * qDim() + 2L * hidden * kvDim() + (long) qDim() * hidden;
            if (qkvBias) p += qDim() + 2L * kvDim();
            if (oBias) p += hidden;
        }
        if (hasMlp()) {
            p += hidden + 3L * hidden * ffnDim;
            if (downBias) p += hidden;
        }
        return p;
    }
}
