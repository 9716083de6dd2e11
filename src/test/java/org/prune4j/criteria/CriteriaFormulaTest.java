package org.prune4j.criteria;

import org.junit.jupiter.api.Test;
import org.prune4j.calib.ActivationStats;
import org.prune4j.calib.LayerSimilarity;
import org.prune4j.engine.TapPoint;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.SyntheticModel;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.Matrix;
import org.prune4j.util.Prune4jException;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * Each criterion's formula on a hand-made one-layer model (hidden 4, 2 query heads sharing 1 KV head, head dim 2,
 * 3 MLP channels) and hand-made statistics; the expected values are written out here independently.
 */
class CriteriaFormulaTest {
    static final int D = 4;

    /** o_proj [4 × 4] and down_proj [4 × 3] with simple integer entries; q rows 0..3. */
    static Model handMade() {
        ModelConfig c = new ModelConfig("llama", D, 300, 1e-5f, 10000f, null, RopeStyle.INTERLEAVED, true, 64,
                List.of(LayerShape.plain(2, 1, 2, 3)));
        Model base = SyntheticModel.create(c, 1, org.prune4j.tensor.DType.F32);
        float[] q = {1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4};
        float[] o = {1, -1, 2, 0, 0, 1, 0, -2, 1, 0, 1, 1, 0, 2, 0, 1};
        float[] down = {1, 0, -3, 2, 1, 0, 0, -1, 1, 1, 1, 1};
        float[] gate = {1, 1, 0, 0, 0, 1, 1, 0, 2, 0, 0, 0};
        float[] up = {0, 0, 1, 1, 1, 0, 0, 0, 0, 2, 2, 0};
        LayerWeights w = base.weights().layers().get(0).with(TensorRole.Q, Matrix.ofFloats(q, 4, 4)).with(TensorRole.O, Matrix.ofFloats(o, 4, 4))
                .with(TensorRole.DOWN, Matrix.ofFloats(down, 4, 3)).with(TensorRole.GATE, Matrix.ofFloats(gate, 3, 4)).with(TensorRole.UP, Matrix.ofFloats(up, 3, 4));
        return base.withWeights(base.weights().withLayer(0, w));
    }

    /** 10 tokens; o-input column j has mean j+1 and Σx² given; down-input likewise. */
    static ActivationStats stats(ModelConfig c) {
        ActivationStats s = new ActivationStats(c);
        s.tokens = 10;
        double[] oMean = {1, 2, 3, 4}, oSq = {20, 50, 100, 170}, dMean = {0.5, 1, 0}, dSq = {5, 20, 9};
        for (int j = 0; j < 4; j++) {
            s.oSum[0][j] = 10 * oMean[j];
            s.oSumSq[0][j] = oSq[j];
        }
        for (int j = 0; j < 3; j++) {
            s.downSum[0][j] = 10 * dMean[j];
            s.downSumSq[0][j] = dSq[j];
        }
        return s;
    }

    static ScoringContext context(Model m, long seed) {
        ScoringContext ctx = new ScoringContext(m, null, seed, null, null);
        ctx.supply(Evidence.ACTIVATION_MOMENTS, stats(m.config()));
        return ctx;
    }

    @Test
    void magnitudeIsTheL2NormOfTheCoupledWeights() {
        Model m = handMade();
        Scores s = Criteria.get("magnitude").score(context(m, 0));
        // head 0: q rows 0,1 (1² + 2²) + o columns 0,1 (1+0+1+0 + 1+1+0+4) = 5 + 8
        assertThat(s.heads()[0][0]).isCloseTo(Math.sqrt(13), offset(1e-12));
        // head 1: q rows 2,3 (9 + 16) + o columns 2,3 (4+0+1+0 + 0+4+1+1) = 25 + 11
        assertThat(s.heads()[0][1]).isCloseTo(Math.sqrt(36), offset(1e-12));
        // channel j: gate row j + up row j + down column j: (2 + 2 + 6), (2 + 1 + 3), (4 + 8 + 11)
        assertThat(s.channels()[0]).containsExactly(new double[]{Math.sqrt(10), Math.sqrt(2 + 1 + 3), Math.sqrt(4 + 8 + 11)}, offset(1e-12));
    }

    @Test
    void wandaSpSumsAbsWeightTimesInputNorm() {
        Scores s = Criteria.get("wanda-sp").score(context(handMade(), 0));
        // o columns |W| sums: 2, 4, 3, 4; ‖X_j‖ = sqrt(20, 50, 100, 170)
        assertThat(s.heads()[0][0]).isCloseTo(2 * Math.sqrt(20) + 4 * Math.sqrt(50), offset(1e-12));
        assertThat(s.heads()[0][1]).isCloseTo(3 * Math.sqrt(100) + 4 * Math.sqrt(170), offset(1e-12));
        // down columns |W| sums: 4, 3, 5
        assertThat(s.channels()[0]).containsExactly(new double[]{4 * Math.sqrt(5), 3 * Math.sqrt(20), 5 * Math.sqrt(9)}, offset(1e-12));
    }

    @Test
    void flapFollowsItsReferenceCode() {
        Scores s = Criteria.get("flap").score(context(handMade(), 0));
        // Var_j = (Σx² − n·μ²)/(n−1): o: (20−10)/9, (50−40)/9, (100−90)/9, (170−160)/9 = 10/9 each
        // ‖W[:,j]‖² of o columns: 2, 6, 5, 6 -> metric (10/9·col)² -> standardised over the 4 columns, mean per head.
        double[] metric = {Math.pow(10.0 / 9 * 2, 2), Math.pow(10.0 / 9 * 6, 2), Math.pow(10.0 / 9 * 5, 2), Math.pow(10.0 / 9 * 6, 2)};
        double[] z = zscores(metric);
        assertThat(s.heads()[0][0]).isCloseTo((z[0] + z[1]) / 2, offset(1e-12));
        assertThat(s.heads()[0][1]).isCloseTo((z[2] + z[3]) / 2, offset(1e-12));
        // down: Var = (5−2.5)/9, (20−10)/9, 9/9; col² = 6, 3, 11 -> not squared, standardised.
        double[] dm = {2.5 / 9 * 6, 10.0 / 9 * 3, 1.0 * 11};
        assertThat(s.channels()[0]).containsExactly(zscores(dm), offset(1e-12));
        assertThat(s.standardised()).isTrue();
        // The summed variant keeps raw sums per head (no square) and leaves standardisation to the allocation.
        Scores sum = Criteria.get("flap-headsum").score(context(handMade(), 0));
        assertThat(sum.heads()[0][0]).isCloseTo(10.0 / 9 * (2 + 6), offset(1e-12));
        assertThat(sum.standardised()).isFalse();
    }

    static double[] zscores(double[] v) {
        double mu = java.util.Arrays.stream(v).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - mu) * (x - mu)).sum() / (v.length - 1));
        return java.util.Arrays.stream(v).map(x -> (x - mu) / sd).toArray();
    }

    @Test
    void randomIsSeeded() {
        Model m = handMade();
        Scores a = Criteria.get("random").score(context(m, 7)), b = Criteria.get("random").score(context(m, 7)), c = Criteria.get("random").score(context(m, 8));
        assertThat(a.channels()[0]).containsExactly(b.channels()[0]);
        assertThat(a.channels()[0]).isNotEqualTo(c.channels()[0]);
    }

    @Test
    void blockInfluenceIsOneMinusMeanCosine() {
        Model m = handMade();
        LayerSimilarity sim = new LayerSimilarity(1);
        // Two tokens: the first leaves the layer unchanged (cos 1), the second is rotated by 90° (cos 0).
        float[] in = {1, 0, 0, 0, 0, 1, 0, 0}, out = {2, 0, 0, 0, 1, 0, 0, 0};
        sim.observe(0, TapPoint.LAYER_INPUT, in, 2, 4, null);
        sim.observe(0, TapPoint.LAYER_OUTPUT, out, 2, 4, null);
        ScoringContext ctx = new ScoringContext(m, null, 0, null, null);
        ctx.supply(Evidence.LAYER_SIMILARITY, sim);
        assertThat(Criteria.get("block-influence").score(ctx).layers()[0]).isCloseTo(1 - 0.5, offset(1e-12));
    }

    @Test
    void registryListsAndRefusesUnknownNames() {
        assertThat(Criteria.names()).containsExactly("random", "magnitude", "wanda-sp", "flap", "flap-headsum", "block-influence", "taylor", "mini-llm",
                "functional-networks", "transfer-entropy");
        assertThat(Criteria.get("te")).isSameAs(Criteria.get("transfer-entropy"));
        assertThatThrownBy(() -> Criteria.get("oracle")).isInstanceOf(Prune4jException.class).hasMessageContaining("available: random");
        assertThat(Criteria.get("flap").needs()).containsExactly(Evidence.ACTIVATION_MOMENTS);
        assertThat(Criteria.get("magnitude").needs()).isEmpty();
        assertThat(new ModelWeights(null, List.of(), null, null).layers()).isEmpty();
    }
}
