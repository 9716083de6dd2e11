package org.prune4j.model;

/**
 * The one table of tensor roles (llama.cpp's {@code LLM_TENSOR_NAMES} idea): for every tensor of a LLaMA-family
 * model, its GGUF and Hugging Face names, whether it is a matrix or a vector, its shape from the layer's
 * {@link LayerShape}, the axis structured pruning cuts, and whether its rows follow the RoPE pair layout. Readers,
 * writers, surgery, validation and every "for each prunable matrix" loop read this table instead of their own.
 */
public enum TensorRole {
    ATTN_NORM(Block.ATTENTION, "attn_norm.weight", "input_layernorm.weight", false, Axis.NONE),
    Q(Block.ATTENTION, "attn_q.weight", "self_attn.q_proj.weight", true, Axis.ROWS_BY_HEAD),
    K(Block.ATTENTION, "attn_k.weight", "self_attn.k_proj.weight", true, Axis.ROWS_BY_KV_GROUP),
    V(Block.ATTENTION, "attn_v.weight", "self_attn.v_proj.weight", true, Axis.ROWS_BY_KV_GROUP),
    O(Block.ATTENTION, "attn_output.weight", "self_attn.o_proj.weight", true, Axis.COLUMNS_BY_HEAD),
    Q_BIAS(Block.ATTENTION, "attn_q.bias", "self_attn.q_proj.bias", false, Axis.ROWS_BY_HEAD),
    K_BIAS(Block.ATTENTION, "attn_k.bias", "self_attn.k_proj.bias", false, Axis.ROWS_BY_KV_GROUP),
    V_BIAS(Block.ATTENTION, "attn_v.bias", "self_attn.v_proj.bias", false, Axis.ROWS_BY_KV_GROUP),
    O_BIAS(Block.ATTENTION, "attn_output.bias", "self_attn.o_proj.bias", false, Axis.NONE),
    FFN_NORM(Block.MLP, "ffn_norm.weight", "post_attention_layernorm.weight", false, Axis.NONE),
    GATE(Block.MLP, "ffn_gate.weight", "mlp.gate_proj.weight", true, Axis.ROWS_BY_CHANNEL),
    UP(Block.MLP, "ffn_up.weight", "mlp.up_proj.weight", true, Axis.ROWS_BY_CHANNEL),
    DOWN(Block.MLP, "ffn_down.weight", "mlp.down_proj.weight", true, Axis.COLUMNS_BY_CHANNEL),
    DOWN_BIAS(Block.MLP, "ffn_down.bias", "mlp.down_proj.bias", false, Axis.NONE),
    TOKEN_EMBEDDING(Block.MODEL, "token_embd.weight", "model.embed_tokens.weight", true, Axis.NONE),
    OUTPUT_NORM(Block.MODEL, "output_norm.weight", "model.norm.weight", false, Axis.NONE),
    OUTPUT(Block.MODEL, "output.weight", "lm_head.weight", true, Axis.NONE),
    /** llama.cpp's per-pair RoPE frequency divisors (LLaMA-3.1 scaling); HF keeps them as config, not a tensor. */
    ROPE_FREQS(Block.MODEL, "rope_freqs.weight", null, false, Axis.NONE);

    /** Where a tensor lives: a layer's attention or MLP sub-block, or the model outside the layers. */
    public enum Block { ATTENTION, MLP, MODEL }

    /** What a structured cut removes from this tensor: rows or columns, grouped by head, KV group or channel. */
    public enum Axis { NONE, ROWS_BY_HEAD, ROWS_BY_KV_GROUP, COLUMNS_BY_HEAD, ROWS_BY_CHANNEL, COLUMNS_BY_CHANNEL }

    /** The per-layer roles in file order (the order llama.cpp and HF list them). */
    public static final TensorRole[] LAYER_ROLES = {ATTN_NORM, Q, K, V, O, Q_BIAS, K_BIAS, V_BIAS, O_BIAS, FFN_NORM, GATE, UP, DOWN, DOWN_BIAS};
    /** The seven linear projections of a layer. */
    public static final TensorRole[] LINEAR = {Q, K, V, O, GATE, UP, DOWN};

    public final Block block;
    public final boolean matrix;
    public final Axis axis;
    private final String gguf;
    private final String hf;

    TensorRole(Block block, String gguf, String hf, boolean matrix, Axis axis) {
        this.block = block;
        this.gguf = gguf;
        this.hf = hf;
        this.matrix = matrix;
        this.axis = axis;
    }

    /** GGUF tensor name; {@code layer} is ignored for model-level roles. */
    public String ggufName(int layer) {
        return block == Block.MODEL ? gguf : "blk." + layer + "." + gguf;
    }

    /** Hugging Face (transformers LLaMA) tensor name; {@code layer} is ignored for model-level roles. */
    public String hfName(int layer) {
        if (hf == null) throw new IllegalArgumentException(this + " has no Hugging Face tensor");
        return block == Block.MODEL ? hf : "model.layers." + layer + "." + hf;
    }

    /** Whether a layer of this shape has this tensor (sub-block present, optional bias declared). */
    public boolean presentIn(LayerShape s) {
        return switch (this) {
            case Q_BIAS, K_BIAS, V_BIAS -> s.hasAttention() && s.qkvBias();
            case O_BIAS -> s.hasAttention() && s.oBias();
            case DOWN_BIAS -> s.hasMlp() && s.downBias();
            default -> switch (block) {
                case ATTENTION -> s.hasAttention();
                case MLP -> s.hasMlp();
                case MODEL -> false;
            };
        };
    }

    /** Shape {rows, cols} of a matrix role, {length} of a vector role, in a layer of shape s at model width d. */
    public int[] shape(LayerShape s, int d) {
        return switch (this) {
            case ATTN_NORM, FFN_NORM, O_BIAS, DOWN_BIAS -> new int[]{d};
            case Q -> new int[]{s.qDim(), d};
            case K, V -> new int[]{s.kvDim(), d};
            case O -> new int[]{d, s.qDim()};
            case Q_BIAS -> new int[]{s.qDim()};
            case K_BIAS, V_BIAS -> new int[]{s.kvDim()};
            case GATE, UP -> new int[]{s.ffnDim(), d};
            case DOWN -> new int[]{d, s.ffnDim()};
            case TOKEN_EMBEDDING, OUTPUT, OUTPUT_NORM, ROPE_FREQS -> throw new IllegalArgumentException(this + " is not a layer tensor");
        };
    }

    /**
     * Heads whose rows follow the RoPE pair layout (q/k weights and biases), so format conversion permutes them;
     * 0 for every other role.
     */
    public int ropeHeads(LayerShape s) {
        return switch (this) {
            case Q, Q_BIAS -> s.heads();
            case K, K_BIAS -> s.kvHeads();
            default -> 0;
        };
    }
}
