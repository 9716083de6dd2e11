package org.prune4j.methods.minillm;

import org.prune4j.criteria.MethodOptions;
import org.prune4j.criteria.ScoringContext;

import org.prune4j.methods.baselines.MagnitudeCriterion;
import org.prune4j.methods.minillm.MiniLlmCriterion;
import org.prune4j.methods.minillm.ZerothOrder;
import org.prune4j.methods.taylor.TaylorCriterion;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.engine.Transformer;
import org.prune4j.grad.Backprop;
import org.prune4j.grad.GradientSink;
import org.prune4j.grad.GradientOracleAccess;
import org.prune4j.model.Model;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.CounterNoise;
import org.prune4j.util.Prune4jException;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MINI-LLM's zeroth-order probes against the exact gradient: a probe's two-point scalar c must equal the
 * directional derivative ⟨g, z⟩ over the matrices it perturbs (to O(ε²) and f32 noise), with z regenerated from
 * the same counter-based keys; plus determinism and the one-line errors of bad settings.
 */
class ZerothOrderTest {
    @Test
    void probeScalarIsTheDirectionalDerivativeOfTheExactGradient() throws Exception {
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 2)) {
            List<int[]> windows = GradientOracleAccess.windows(m, 4, 64);
            ScoringContext ctx = new ScoringContext(m, windows, 3, tf, new CalibrationRunner(4096, (d, t) -> {}));
            Map<String, float[]> g = new HashMap<>();
            GradientSink keep = (layer, role, grad) -> g.put(layer + ":" + role, grad);
            new Backprop(m, tf.parallel()).run(windows, keep, (d, t) -> {});
            int[] layers = {1, 2, 3, 4};
            for (ZerothOrder.Scope scope : ZerothOrder.Scope.values()) {
                for (CounterNoise.Distribution dist : CounterNoise.Distribution.values()) {
                    ZerothOrder.Probe p = ZerothOrder.probes(scope, layers, 1, 11).get(scope == ZerothOrder.Scope.GLOBAL ? 0 : 1);
                    double c = ZerothOrder.estimate(ctx, p, layers, 1e-3, dist), dot = 0;
                    for (int l : layers) {
                        for (TensorRole role : TensorRole.LINEAR) {
                            if (!covers(p, l, role)) continue;
                            var w = m.weights().layers().get(l).weight(role);
                            float[] z = new float[w.cols()], gr = g.get(l + ":" + role);
                            for (int r = 0; r < w.rows(); r++) {
                                CounterNoise.fillRow(dist, CounterNoise.key(p.seed(), l, role.ordinal(), r), z, 0, z.length);
                                for (int j = 0; j < z.length; j++) dot += (double) gr[r * z.length + j] * z[j];
                            }
                        }
                    }
                    System.out.printf("%s %s %s: two-point c %.6f, exact <g, z> %.6f%n", scope, dist, p, c, dot);
                    assertThat(c).isCloseTo(dot, org.assertj.core.data.Offset.offset(0.03 * Math.abs(dot) + 1e-3));
                }
            }
        }
    }

    private static boolean covers(ZerothOrder.Probe p, int l, TensorRole role) {
        return (p.layer() < 0 || p.layer() == l) && (p.block() == null || p.block() == role.block);
    }

    /** A probe resumed from the saved residual stream at its first layer gives the full pass's loss, bit for bit. */
    @Test
    void resumedLossEqualsTheFullPass() throws Exception {
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 2)) {
            ScoringContext ctx = new ScoringContext(m, GradientOracleAccess.windows(m, 3, 40), 0, tf, new CalibrationRunner(64, (d, t) -> {}));
            for (int layer : new int[]{2, 4, 1}) {
                ZerothOrder.Probe p = ZerothOrder.probes(ZerothOrder.Scope.LAYER, new int[]{layer}, 1, 7).get(0);
                var w = ZerothOrder.perturbed(m.weights(), p, new int[]{layer}, 1e-2, CounterNoise.Distribution.GAUSSIAN);
                double full = ctx.loss(w), resumed = ctx.loss(w, layer);
                assertThat(resumed).isEqualTo(full);
                assertThat(full).isNotEqualTo(ctx.loss(m.weights()));
            }
            // Probe passes share one KV buffer across layers (pooled): same loss as fresh per-layer caches.
            double[][] fresh = new org.prune4j.engine.TokenScorer(tf, org.prune4j.calib.CalibrationRunner.DEFAULT_PASS_TOKENS)
                    .score(ctx.windows(), org.prune4j.util.ProgressListener.NONE);
            double sum = 0;
            long n = 0;
            for (double[] s : fresh) {
                for (double v : s) sum += v;
                n += s.length;
            }
            assertThat(ctx.loss(m.weights())).isEqualTo(sum / n);
            assertThat(ctx.loss(m.weights())).isEqualTo(sum / n); // second time from the pool's reused caches
        }
    }

    @Test
    void probesAreDeterministicAndNestedOverQ() {
        int[] layers = {0, 1, 2};
        List<ZerothOrder.Probe> a = ZerothOrder.probes(ZerothOrder.Scope.MODULE, layers, 4, 5), b = ZerothOrder.probes(ZerothOrder.Scope.MODULE, layers, 4, 5);
        assertThat(a).isEqualTo(b).hasSize(4 * 6);
        assertThat(ZerothOrder.probes(ZerothOrder.Scope.MODULE, layers, 2, 5)).isEqualTo(a.subList(0, 12));
        assertThat(ZerothOrder.probes(ZerothOrder.Scope.MODULE, layers, 4, 6)).isNotEqualTo(a);
        assertThat(a.stream().mapToLong(ZerothOrder.Probe::seed).distinct().count()).isEqualTo(a.size());
        assertThat(ZerothOrder.probes(ZerothOrder.Scope.GLOBAL, layers, 3, 5)).hasSize(3);
        assertThat(ZerothOrder.probes(ZerothOrder.Scope.LAYER, layers, 3, 5)).hasSize(9);
    }

    /** ĝ = (1/q) Σ c_r z_r: with c = 1 for a single probe, ĝ is that probe's z. */
    @Test
    void estimateIsTheMeanOfScaledNoise() {
        List<ZerothOrder.Probe> p = ZerothOrder.probes(ZerothOrder.Scope.LAYER, new int[]{0, 1}, 2, 1);
        float[] g = ZerothOrder.gradient(p, new double[]{1, 5, 3, 7}, 4, 0, TensorRole.UP, 2, 3, CounterNoise.Distribution.RADEMACHER);
        var rows = ZerothOrder.rows(p, new double[]{1, 5, 3, 7}, 4, 0, TensorRole.UP, CounterNoise.Distribution.RADEMACHER);
        float[] row = new float[3];
        for (int r = 0; r < 2; r++) {
            rows.fill(r, row);
            assertThat(row).containsExactly(java.util.Arrays.copyOfRange(g, r * 3, r * 3 + 3));
        }
        for (int r = 0; r < 2; r++) {
            for (int j = 0; j < 3; j++) {
                double z0 = CounterNoise.rademacher(CounterNoise.key(p.get(0).seed(), 0, TensorRole.UP.ordinal(), r), j);
                double z2 = CounterNoise.rademacher(CounterNoise.key(p.get(2).seed(), 0, TensorRole.UP.ordinal(), r), j);
                assertThat(g[r * 3 + j]).isEqualTo((float) ((1 * z0 + 3 * z2) / 2));
            }
        }
    }

    @Test
    void badSettingsAreOneLineErrors() {
        MiniLlmCriterion c = new MiniLlmCriterion();
        for (var bad : List.of(Map.of("zo-eps", "0"), Map.of("zo-eps", "-1e-3"), Map.of("zo-eps", "NaN"), Map.of("zo-eps", "Infinity"),
                Map.of("zo-samples", "0"), Map.of("zo-samples", "x"), Map.of("zo-scope", "block"), Map.of("zo-dist", "uniform"),
                Map.of("x-stat", "max"), Map.of("taylor", "element1"))) {
            assertThatThrownBy(() -> c.configure(new MethodOptions(bad))).isInstanceOf(Prune4jException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains("--" + bad.keySet().iterator().next()));
        }
        assertThatThrownBy(() -> new TaylorCriterion().configure(new MethodOptions(Map.of("taylor", "element3")))).hasMessageContaining("--taylor");
        assertThatThrownBy(() -> new MagnitudeCriterion().configure(new MethodOptions(Map.of("zo-eps", "1e-3")))).hasMessageContaining("does not apply");
        var cfg = TestData.stories().config();
        for (String range : List.of("3:3", "4:2", "0:9", "x", "1-3")) {
            assertThatThrownBy(() -> new MethodOptions(Map.of("layer-range", range)).layerRange(c, cfg)).isInstanceOf(Prune4jException.class)
                    .hasMessageContaining("--layer-range");
        }
        assertThat(new MethodOptions(Map.of()).layerRange(c, cfg)).containsExactly(1, 5);
        assertThat(new MethodOptions(Map.of("layer-range", "all")).layerRange(c, cfg)).containsExactly(0, 5);
        assertThat(TaylorCriterion.llmPrunerRange(32)).containsExactly(4, 30);
    }

    @Test
    void aLossThatTurnsNonFiniteNamesTheProbe() throws Exception {
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 1)) {
            ScoringContext ctx = new ScoringContext(m, GradientOracleAccess.windows(m, 1, 16), 0, tf, new CalibrationRunner(4096, (d, t) -> {}));
            ZerothOrder.Probe p = ZerothOrder.probes(ZerothOrder.Scope.LAYER, new int[]{2}, 1, 0).get(0);
            assertThatThrownBy(() -> ZerothOrder.estimate(ctx, p, new int[]{2}, 1e38, CounterNoise.Distribution.GAUSSIAN))
                    .isInstanceOf(Prune4jException.class).hasMessageContaining("probe 0 (layer 2").hasMessageContaining("--zo-eps")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThat(Arrays.asList(ZerothOrder.Scope.values())).hasSize(3);
    }
}
