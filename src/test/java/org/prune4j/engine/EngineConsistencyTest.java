package org.prune4j.engine;

import org.prune4j.TestData;
import org.prune4j.model.LayerShape;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The same computation reached by different routes through the engine must agree. */
class EngineConsistencyTest {

    @Test
    void incrementalDecodingEqualsOneBatchedPass() {
        try (Model m = SyntheticModel.create(TestData.ragged(), 3, DType.F32); Transformer tf = new Transformer(m, 2)) {
            int[] toks = {1, 270, 300, 5, 42, 77, 310, 299, 260, 12};
            float[] full = TestData.logits(tf, toks);
            KvCache cache = new KvCache(m.config(), toks.length);
            int v = m.config().vocab();
            // prefill 4 tokens, then one at a time
            Transformer.Hidden h = tf.forward(List.of(new Chunk(cache, java.util.Arrays.copyOf(toks, 4))));
            float[] got = new float[toks.length * v];
            System.arraycopy(tf.logits(h, 0, 4), 0, got, 0, 4 * v);
            for (int i = 4; i < toks.length; i++) {
                Transformer.Hidden s = tf.forward(List.of(new Chunk(cache, new int[]{toks[i]})));
                System.arraycopy(tf.logits(s, 0, 1), 0, got, i * v, v);
            }
            assertThat(TestData.relError(full, got)).isLessThan(1e-5);
        }
    }

    @Test
    void batchedSequencesEqualSeparatePassesAndThreadCountsAgree() {
        try (Model m = SyntheticModel.create(TestData.ragged(), 5, DType.F32);
             Transformer one = new Transformer(m, 1); Transformer two = new Transformer(m, 2)) {
            int[] a = {1, 261, 262, 263, 264, 265, 266}, b = {1, 300, 301, 302};
            float[] la = TestData.logits(one, a), lb = TestData.logits(one, b);
            Transformer.Hidden h = two.forward(List.of(new Chunk(new KvCache(m.config(), a.length), a),
                    new Chunk(new KvCache(m.config(), b.length), b)));
            float[] both = two.logits(h, 0, a.length + b.length);
            int v = m.config().vocab();
            assertThat(TestData.relError(la, java.util.Arrays.copyOfRange(both, 0, a.length * v))).isLessThan(1e-5);
            assertThat(TestData.relError(lb, java.util.Arrays.copyOfRange(both, a.length * v, both.length))).isLessThan(1e-5);
        }
    }

    @Test
    void ropeLayoutsAreEquivalentUnderRowPermutation() {
        // The same weights stored in HF's rotate-half order must give the same logits when run as HALF.
        try (Model m = SyntheticModel.create(TestData.ragged(), 9, DType.F32)) {
            Model half = org.prune4j.io.RoundTrips.toHalfLayout(m);
            int[] toks = {1, 280, 281, 282, 283, 284};
            assertThat(half.config().ropeStyle()).isEqualTo(RopeStyle.HALF);
            assertThat(TestData.relError(TestData.logits(m, toks), TestData.logits(half, toks))).isLessThan(1e-5);
        }
    }

    @Test
    void layersWithoutAttentionOrMlpRun() {
        List<LayerShape> l = new ArrayList<>(TestData.ragged().layers());
        l.set(1, new LayerShape(0, 0, 16, 64, false, false, true));
        l.set(2, new LayerShape(4, 2, 16, 0, true, true, false));
        ModelConfig c = TestData.ragged().withLayers(l);
        try (Model m = SyntheticModel.create(c, 11, DType.F32)) {
            float[] out = TestData.logits(m, new int[]{1, 270, 271});
            for (float f : out) assertThat(f).isFinite();
        }
    }
}
