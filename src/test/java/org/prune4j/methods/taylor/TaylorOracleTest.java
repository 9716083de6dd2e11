package org.prune4j.methods.taylor;

import org.prune4j.criteria.MethodOptions;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;

import org.prune4j.methods.taylor.TaylorCriterion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.TestData;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.engine.Transformer;
import org.prune4j.grad.GradientOracleAccess;
import org.prune4j.model.Model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LLM-Pruner's Taylor group importances (element1, element2 with the per-sample Fisher, vector) from prune4j's
 * gradients and grouping, against the same formulas computed in PyTorch from autograd gradients
 * (tools/oracles/torch_grad.py, written from LLM-Pruner's TaylorImportance).
 */
class TaylorOracleTest {
    @TempDir Path tmp;

    @Test
    void taylorScoresMatchLlmPrunerFormulasOnTorchGradients() throws Exception {
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 2)) {
            List<int[]> windows = GradientOracleAccess.windows(m, 4, 64);
            Map<String, float[]> torch = GradientOracleAccess.run(m, windows, tmp);
            ScoringContext ctx = new ScoringContext(m, windows, 0, tf, new CalibrationRunner(4096, (d, t) -> {}));
            for (String variant : List.of("element1", "element2", "vector")) {
                Scores s = new TaylorCriterion().configure(new MethodOptions(Map.of("taylor", variant, "layer-range", "all"))).score(ctx);
                double worst = 0;
                for (int l = 0; l < m.config().layerCount(); l++) {
                    worst = Math.max(worst, TestData.relError(torch.get("taylor." + variant + "." + l + ".heads"), toFloat(s.heads()[l])));
                    worst = Math.max(worst, TestData.relError(torch.get("taylor." + variant + "." + l + ".channels"), toFloat(s.channels()[l])));
                }
                System.out.printf("taylor %s: worst per-layer rel.err vs torch %.2e%n", variant, worst);
                assertThat(worst).as(variant).isLessThan(1e-4);
            }
            // The second-order term must be visible at this tolerance, or the element2 check could not fail.
            double sep = 0;
            for (int l = 0; l < m.config().layerCount(); l++) {
                sep = Math.max(sep, TestData.relError(torch.get("taylor.element1." + l + ".channels"), torch.get("taylor.element2." + l + ".channels")));
            }
            System.out.printf("element1 vs element2 differ by %.2e%n", sep);
            assertThat(sep).isGreaterThan(1e-3);
        }
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }
}
