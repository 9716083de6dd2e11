package org.prune4j.methods.networks;

import org.prune4j.methods.networks.CanIca;
import org.prune4j.methods.networks.FunctionalNetworks;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.alloc.Constraints;
import org.prune4j.alloc.Target;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.model.Model;
import org.prune4j.plan.PlanJson;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.util.ProgressListener;
import org.prune4j.util.Prune4jException;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The functional-networks method end to end on stories260K (one small chunk, few restarts): same seed, same plan;
 * τ solved so that the removed parameters are the first count at or above the ratio, MLP channels only, the
 * protected layers whole; and the one-line errors of impossible settings.
 */
class FunctionalNetworksTest {
    static Pruner.Result run(Map<String, String> opts, double ratio, long seed) {
        return run(opts, ratio, seed, null, PruneRequest.CalibrationMode.DENSE, false);
    }

    static Pruner.Result run(Map<String, String> opts, double ratio, long seed, Boolean bias, PruneRequest.CalibrationMode mode, boolean cut) {
        try (Model m = TestData.stories()) {
            PruneRequest.Method pm = new PruneRequest.Method("functional-networks", Target.total(ratio), null, Constraints.defaults(), bias,
                    mode, new MethodOptions(opts));
            PruneRequest r = new PruneRequest(pm, new PruneRequest.Calibration(TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt"), 4, 64), null,
                    PruneRequest.Runtime.threads(2), seed, null);
            return Pruner.run(m, r, l -> ProgressListener.NONE, cut);
        }
    }

    static final Map<String, String> SMALL = Map.of("chunks", "1", "chunk-texts", "12", "components", "16", "ica-restarts", "2");

    @Test
    void sameSeedSamePlanAndTauHitsTheRatio() throws Exception {
        Pruner.Result a = run(SMALL, 0.15, 5), b = run(SMALL, 0.15, 5);
        String ja = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(PlanJson.Plan.of(a.plan(), TestData.stories().config()));
        String jb = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(PlanJson.Plan.of(b.plan(), TestData.stories().config()));
        assertThat(ja).isEqualTo(jb);
        var c = TestData.stories().config();
        double removed = a.plan().removedFraction(c);
        assertThat(removed).isGreaterThanOrEqualTo(0.15);
        // one MLP channel is 3d parameters: the threshold stops at the first channel count that reaches the ratio
        assertThat(removed - 0.15).isLessThan(3.0 * c.hidden() / c.totalParameters());
        assertThat(a.resolved().options()).containsEntry("layer-range", "1:4");
        for (int l = 0; l < c.layerCount(); l++) {
            assertThat(a.plan().layers().get(l).keptHeads()).hasSize(c.layer(l).heads());
            if (l == 0 || l == 4) assertThat(a.plan().layers().get(l).keptChannels()).hasSize(c.layer(l).ffnDim());
        }
    }

    @Test
    void impossibleSettingsAreOneLineErrors() {
        assertThatThrownBy(() -> run(Map.of("chunks", "1", "chunk-texts", "1", "max-len", "100", "components", "120", "ica-restarts", "1"), 0.1, 0))
                .isInstanceOf(Prune4jException.class).hasMessageContaining("has 100 tokens, fewer than --components 120");
        assertThatThrownBy(() -> run(Map.of("chunks", "1", "chunk-texts", "12", "components", "400", "ica-restarts", "1"), 0.1, 0))
                .isInstanceOf(Prune4jException.class).hasMessageContaining("--components 400 exceeds layer 1's 344 MLP neurons less one");
        assertThatThrownBy(() -> run(SMALL, 0.7, 0)).isInstanceOf(Prune4jException.class).hasMessageContaining("cannot be reached");
        assertThatThrownBy(() -> run(Map.of("ica-restarts", "0"), 0.1, 0)).hasMessageContaining("--ica-restarts");
    }

    /** Saved networks give the plan computed directly; a model of the same shape with other weights is refused. */
    @Test
    void savedNetworksReproduceThePlanAndBelongToOneModel() throws Exception {
        java.nio.file.Path dir = TestData.tempDir().resolve("nets");
        var settings = org.prune4j.methods.networks.FunctionalNetworksCriterion.settings(new MethodOptions(SMALL));
        try (Model m = TestData.stories(); org.prune4j.engine.Transformer tf = new org.prune4j.engine.Transformer(m, 2)) {
            var docs = org.prune4j.calib.CalibrationSet.readDocuments(TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt"));
            FunctionalNetworks n = FunctionalNetworks.compute(m, tf, docs, settings, new int[]{1, 4}, 5, ProgressListener.NONE);
            n.save(dir, false, tmp -> org.prune4j.methods.networks.NetworkFigures.write(n, tmp));
            FunctionalNetworks back = FunctionalNetworks.load(dir, m);
            for (int l = 1; l < 4; l++) assertThat(back.saliency()[l]).containsExactly(n.saliency()[l]);
            assertThat(back.log().chunksUsed()).isEqualTo(1);
            // Network sizes agree with the saliency: a level no neuron's max |z| exceeds has empty networks, and no
            // network holds more neurons than the union of all networks at that level.
            for (int l = 1; l < 4; l++) {
                for (int t = 0; t < CanIca.KEY_THRESHOLDS.length; t++) {
                    double level = CanIca.KEY_THRESHOLDS[t];
                    long union = java.util.Arrays.stream(n.saliency()[l]).filter(v -> v > level).count();
                    int[] sizes = back.keyCounts()[l][t];
                    assertThat(sizes).hasSize(16);
                    assertThat(java.util.Arrays.stream(sizes).max().orElse(0)).isLessThanOrEqualTo((int) union);
                    assertThat(java.util.Arrays.stream(sizes).sum() > 0).isEqualTo(union > 0);
                }
            }
            // The figures are real PNGs and the index shows every one of them.
            String html = java.nio.file.Files.readString(dir.resolve("index.html"));
            for (String png : java.util.List.of("key-neurons-heatmap.png", "key-neurons-per-layer.png", "kept-fraction-vs-tau.png",
                    "saliency-layer01.png", "saliency-layer03.png")) {
                var img = javax.imageio.ImageIO.read(dir.resolve(png).toFile());
                assertThat(img).as(png).isNotNull();
                assertThat(img.getWidth()).isGreaterThan(300);
                assertThat(html).contains("src=\"" + png + "\"");
            }
        }
        java.util.Map<String, String> saved = new java.util.HashMap<>(SMALL);
        saved.put("networks", dir.toString());
        var om = new com.fasterxml.jackson.databind.ObjectMapper();
        var c = TestData.stories().config();
        assertThat(om.writeValueAsString(PlanJson.Plan.of(run(saved, 0.15, 99).plan(), c)))
                .isEqualTo(om.writeValueAsString(PlanJson.Plan.of(run(SMALL, 0.15, 5).plan(), c)));
        try (Model other = org.prune4j.model.SyntheticModel.create(c, 3, org.prune4j.tensor.DType.F32)) {
            assertThatThrownBy(() -> FunctionalNetworks.load(dir, other)).isInstanceOf(Prune4jException.class)
                    .hasMessageContaining("networks.json").hasMessageContaining("fingerprint");
        }
        // Bias compensation, dense (FLAP: means of the unpruned model) against sequential (the authors' variant:
        // means while earlier layers already run pruned): same plan; the first cut layer sees unpruned inputs in
        // both, so its bias agrees; later layers' means differ.
        Pruner.Result dense = run(saved, 0.15, 1, true, PruneRequest.CalibrationMode.DENSE, true);
        Pruner.Result seq = run(saved, 0.15, 1, true, PruneRequest.CalibrationMode.SEQUENTIAL, true);
        assertThat(om.writeValueAsString(PlanJson.Plan.of(seq.plan(), c))).isEqualTo(om.writeValueAsString(PlanJson.Plan.of(dense.plan(), c)));
        float[] d1 = dense.pruned().weights().layers().get(1).bDown(), s1 = seq.pruned().weights().layers().get(1).bDown();
        for (int i = 0; i < d1.length; i++) assertThat((double) s1[i]).isCloseTo(d1[i], org.assertj.core.data.Offset.offset(1e-5));
        float[] d3 = dense.pruned().weights().layers().get(3).bDown(), s3 = seq.pruned().weights().layers().get(3).bDown();
        double diff = 0;
        for (int i = 0; i < d3.length; i++) diff = Math.max(diff, Math.abs(d3[i] - s3[i]));
        assertThat(diff).isGreaterThan(1e-4);
        assertThatThrownBy(() -> run(saved, 0.15, 1, false, PruneRequest.CalibrationMode.SEQUENTIAL, true)).hasMessageContaining("bias compensation");
    }

    /** mlp+heads: one τ over per-type z-scored head and channel scores; GQA groups stay whole; MLP-only networks refused. */
    @Test
    void headsAndChannelsShareOneThreshold() {
        java.util.Map<String, String> o = new java.util.HashMap<>(SMALL);
        o.put("structures", "mlp+heads");
        Pruner.Result r = run(o, 0.25, 5);
        var c = TestData.stories().config();
        int headsRemoved = 0;
        for (int l = 1; l < 4; l++) {
            var lp = r.plan().layers().get(l);
            headsRemoved += c.layer(l).heads() - lp.keptHeads().length;
            assertThat(lp.keptHeads().length % lp.keptKvGroups().length).isZero();
        }
        assertThat(headsRemoved).isPositive();
        assertThat(r.plan().removedFraction(c)).isGreaterThanOrEqualTo(0.25);
        for (int l : new int[]{0, 4}) assertThat(r.plan().layers().get(l).keptHeads()).hasSize(c.layer(l).heads());
        // More components than the 24 analysed heads: the joint head ICA is capped (at 23: centring costs one).
        o.put("components", "40");
        o.put("ica-restarts", "1");
        assertThat(run(o, 0.25, 5).plan().removedFraction(c)).isGreaterThanOrEqualTo(0.25);
    }
}
