package org.prune4j.methods.transfer;

import org.prune4j.methods.transfer.ModuleInteractions;
import org.prune4j.methods.transfer.ModuleReduction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.TestData;
import org.prune4j.alloc.Constraints;
import org.prune4j.alloc.Target;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.calib.CalibrationSet;
import org.prune4j.methods.transfer.ModuleSeries;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.methods.transfer.TransferEntropyCriterion;
import org.prune4j.engine.Transformer;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.model.Model;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.util.ProgressListener;
import org.prune4j.util.Prune4jException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The transfer-entropy method on stories260K: the PCA reduction against scikit-learn's PCA on the same module
 * outputs; the whole method deterministic for a seed; the ratio met with the first plan at or above it; the report's
 * matrix and importances; one-line errors for settings the data cannot support.
 */
class TransferEntropyMethodTest {
    static final Path CALIB = TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt");
    @TempDir Path tmp;

    static Pruner.Result run(Map<String, String> opts, double ratio, int samples, int len) {
        try (Model m = TestData.stories()) {
            PruneRequest.Method pm = new PruneRequest.Method("transfer-entropy", Target.total(ratio), null, Constraints.defaults(), null,
                    PruneRequest.CalibrationMode.DENSE, new MethodOptions(opts));
            PruneRequest r = new PruneRequest(pm, new PruneRequest.Calibration(CALIB, samples, len), null, PruneRequest.Runtime.threads(2), 3, null);
            return Pruner.run(m, r, l -> ProgressListener.NONE, false);
        }
    }

    @Test
    void pcaReductionMatchesSklearn() throws Exception {
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 2)) {
            List<int[]> windows = CalibrationSet.sample(CALIB, m.tokenizer(), 6, 64, 1).sequences();
            int d = m.config().hidden(), mods = 2 * m.config().layerCount(), r = 4;
            DenseMatrix[] bases = new DenseMatrix[mods];
            for (int i = 0; i < mods; i++) bases[i] = DenseMatrix.identity(d);
            ModuleSeries s = (ModuleSeries) new CalibrationRunner(4096, ProgressListener.NONE).run(tf, windows, List.of(new ModuleSeries(bases, null))).get(0);
            ModuleReduction.Reduced red = ModuleReduction.pca(s, r);
            for (int mod : new int[] {0, mods - 1}) {
                int n = 0;
                for (int w = 0; w < s.windows(); w++) n += s.length(w);
                ByteBuffer x = ByteBuffer.allocate(n * d * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (int w = 0; w < s.windows(); w++) for (float v : s.series(w, mod)) x.putDouble(v);
                Path xf = tmp.resolve("x" + mod), out = tmp.resolve("y" + mod);
                Files.write(xf, x.array());
                Process pr = new ProcessBuilder("/usr/bin/python3", TestData.ROOT.resolve("tools/oracles/sklearn_pca.py").toString(), xf.toString(),
                        "" + n, "" + d, "" + r, out.toString()).redirectErrorStream(true).start();
                String log = new String(pr.getInputStream().readAllBytes());
                assertThat(pr.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(pr.exitValue()).as("sklearn oracle (python3-sklearn; .ci/run installs it):\n" + log).isZero();
                ByteBuffer y = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
                double[] theirs = new double[n * r];
                for (int i = 0; i < theirs.length; i++) theirs[i] = y.getDouble();
                double ratioSum = 0;
                for (int c = 0; c < r; c++) ratioSum += y.getDouble();
                // Component signs are arbitrary: match each column up to sign, relative to the column's scale.
                double worst = 0;
                for (int c = 0; c < r; c++) {
                    double scale = 0, plus = 0, minus = 0;
                    int t0 = 0;
                    for (int w = 0; w < s.windows(); w++) {
                        float[] ours = red.windows().get(w)[mod];
                        for (int t = 0; t < s.length(w); t++) {
                            double a = ours[t * r + c], b = theirs[(t0 + t) * r + c];
                            scale = Math.max(scale, Math.abs(b));
                            plus = Math.max(plus, Math.abs(a - b));
                            minus = Math.max(minus, Math.abs(a + b));
                        }
                        t0 += s.length(w);
                    }
                    worst = Math.max(worst, Math.min(plus, minus) / scale);
                }
                System.out.printf("module %d: PCA vs sklearn max rel diff %.2e; explained %.6f vs %.6f%n", mod, worst, red.explained()[mod], ratioSum);
                assertThat(worst).isLessThan(1e-4);
                assertThat(Math.abs(red.explained()[mod] - ratioSum)).isLessThan(1e-6);
            }
        }
    }

    @Test
    void deterministicMeetsTheRatioAndReportsItsMatrix() {
        Map<String, String> o = Map.of("te-dims", "2");
        Pruner.Result a = run(o, 0.25, 8, 48), b = run(o, 0.25, 8, 48);
        TransferEntropyCriterion.Details da = (TransferEntropyCriterion.Details) a.methodDetails();
        TransferEntropyCriterion.Details db = (TransferEntropyCriterion.Details) b.methodDetails();
        assertThat(da.transferEntropy().te()).isDeepEqualTo(db.transferEntropy().te());
        assertThat(a.plan()).isEqualTo(b.plan());
        ModuleInteractions.Analysis an = da.transferEntropy();
        int mods = 10;
        assertThat(an.te()).hasNumberOfRows(mods);
        assertThat(an.importance()).hasSize(mods);
        assertThat(an.windows()).isEqualTo(8);
        assertThat(an.estimates()).isEqualTo(8L * mods * (mods - 1) / 2);
        assertThat(an.basis()).isEqualTo("exact");
        var dense = TestData.stories().config();
        assertThat(a.plan().removedFraction(dense)).isGreaterThanOrEqualTo(0.25);
        // The module with the largest importance keeps everything.
        int top = 0;
        for (int i = 1; i < mods; i++) if (an.importance()[i] > an.importance()[top]) top = i;
        var layer = a.plan().layers().get(top / 2);
        if (top % 2 == 0) assertThat(layer.keptHeads()).hasSize(dense.layer(top / 2).heads());
        else assertThat(layer.keptChannels()).hasSize(dense.layer(top / 2).ffnDim());
        // A randomized sketch narrower than the hidden size (16 < 64) and the norm form also run.
        Pruner.Result sk = run(Map.of("te-dims", "2", "te-sketch", "16"), 0.25, 8, 48), sk2 = run(Map.of("te-dims", "2", "te-sketch", "16"), 0.25, 8, 48);
        ModuleInteractions.Analysis ska = ((TransferEntropyCriterion.Details) sk.methodDetails()).transferEntropy();
        assertThat(ska.basis()).isEqualTo("sketch:16");
        assertThat(ska.te()).isDeepEqualTo(((TransferEntropyCriterion.Details) sk2.methodDetails()).transferEntropy().te());
        Pruner.Result nm = run(Map.of("te-reduce", "norm", "te-importance", "final"), 0.25, 8, 48);
        assertThat(((TransferEntropyCriterion.Details) nm.methodDetails()).transferEntropy().te()).hasNumberOfRows(mods + 1);
    }

    @Test
    void settingsTheDataCannotSupportAreOneLineErrors() {
        assertThatThrownBy(() -> run(Map.of("te-dims", "100"), 0.2, 2, 64)).isInstanceOf(Prune4jException.class)
                .hasMessage("--te-dims 100 exceeds the hidden size 64");
        assertThatThrownBy(() -> run(Map.of("te-dims", "4"), 0.2, 2, 12)).isInstanceOf(Prune4jException.class)
                .hasMessageContaining("at least 14 tokens").hasMessageContaining("--calib-len");
        assertThatThrownBy(() -> run(Map.of("p-max", "0"), 0.2, 2, 64)).isInstanceOf(Prune4jException.class)
                .hasMessage("--p-max must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> run(Map.of("te-reduce", "ica"), 0.2, 2, 64)).isInstanceOf(Prune4jException.class)
                .hasMessageContaining("--te-reduce must be pca or norm");
        assertThatThrownBy(() -> run(Map.of("te-sketch", "2"), 0.2, 2, 64)).isInstanceOf(Prune4jException.class)
                .hasMessageContaining("--te-sketch must be at least --te-dims");
    }
}
