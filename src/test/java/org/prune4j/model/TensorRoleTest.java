package org.prune4j.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The role table against the names llama.cpp and transformers use, and shapes/presence from a layer shape. */
class TensorRoleTest {
    @Test
    void namesFollowLlamaCppAndTransformers() {
        assertThat(TensorRole.Q.ggufName(3)).isEqualTo("blk.3.attn_q.weight");
        assertThat(TensorRole.O_BIAS.ggufName(0)).isEqualTo("blk.0.attn_output.bias");
        assertThat(TensorRole.FFN_NORM.hfName(7)).isEqualTo("model.layers.7.post_attention_layernorm.weight");
        assertThat(TensorRole.DOWN.hfName(1)).isEqualTo("model.layers.1.mlp.down_proj.weight");
        assertThat(TensorRole.TOKEN_EMBEDDING.ggufName(9)).isEqualTo("token_embd.weight");
        assertThat(TensorRole.OUTPUT.hfName(0)).isEqualTo("lm_head.weight");
    }

    @Test
    void shapesAxesAndPresenceComeFromTheLayerShape() {
        LayerShape s = new LayerShape(8, 2, 16, 96, true, false, true);
        assertThat(TensorRole.Q.shape(s, 64)).containsExactly(128, 64);
        assertThat(TensorRole.K.shape(s, 64)).containsExactly(32, 64);
        assertThat(TensorRole.O.shape(s, 64)).containsExactly(64, 128);
        assertThat(TensorRole.DOWN.shape(s, 64)).containsExactly(64, 96);
        assertThat(TensorRole.Q_BIAS.presentIn(s)).isTrue();
        assertThat(TensorRole.O_BIAS.presentIn(s)).isFalse();
        assertThat(TensorRole.DOWN_BIAS.presentIn(s)).isTrue();
        assertThat(TensorRole.GATE.presentIn(new LayerShape(8, 2, 16, 0, false, false, false))).isFalse();
        assertThat(TensorRole.K.ropeHeads(s)).isEqualTo(2);
        assertThat(TensorRole.V.ropeHeads(s)).isZero();
        assertThat(TensorRole.O.axis).isEqualTo(TensorRole.Axis.COLUMNS_BY_HEAD);
        // Parameter accounting and the table agree: the sum of present tensors' sizes is the layer's parameters.
        long n = 0;
        for (TensorRole r : TensorRole.LAYER_ROLES) {
            if (!r.presentIn(s)) continue;
            int[] sh = r.shape(s, 64);
            n += sh.length == 2 ? (long) sh[0] * sh[1] : sh[0];
        }
        assertThat(n).isEqualTo(s.parameters(64));
    }
}
