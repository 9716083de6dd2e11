package org.prune4j.methods.networks;

import org.prune4j.engine.Transformer;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.util.Prune4jException;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One chunk of the functional-network analysis (record the chunk's neurons, CanICA per layer, the joint head ICA):
 * the unit that runs anywhere. Chunks are independent and merge by max, so a distributed run (prune4j-spark's
 * {@link Executor}) returns the same networks as one machine.
 */
public final class IcaChunks {
    /**
     * A chunk's outcome.
     *
     * @param saliency   per layer, 2 × FFN saliency (null outside the range or when the chunk failed)
     * @param counts     per layer, [threshold][map] key-neuron counts
     * @param heads      per layer head saliency (null without --structures mlp+heads or when it failed)
     * @param runs       FastICA runs, their summed iterations in {@code iterations}
     * @param icaSeconds per layer, seconds in CanICA
     * @param pcaSeconds per layer, the part of those before FastICA (z-scores, principal patterns, whitening)
     */
    public record Result(int tokens, boolean failed, double[][] saliency, int[][][] counts, double[][] heads, int reseeds, int runs,
                         int iterations, int notConverged, double seconds, double[] icaSeconds, double[] pcaSeconds) implements java.io.Serializable {}

    /** Runs all chunks elsewhere and returns their results in chunk order, or null to run them here. */
    public interface Executor {
        List<Result> run(Model model, List<List<int[]>> chunks, FunctionalNetworks.Settings s, int[] range, long seed);
    }

    private static volatile Executor executor;

    private IcaChunks() {}

    /** Installs the executor every analysis uses from now on (null: chunks run here). */
    public static void useExecutor(Executor e) {
        executor = e;
    }

    static Executor executor() {
        return executor;
    }

    /**
     * Analyses one chunk of texts; the seeds depend only on (seed, chunk, layer), so the result does not depend on
     * where or in which order chunks run.
     *
     * @param layerDone called with the number of analysed layers done in this chunk (progress)
     */
    public static Result compute(Transformer tf, List<int[]> texts, FunctionalNetworks.Settings s, int[] range, long seed, int chunk,
                                 IntConsumer layerDone) {
        long tc = System.nanoTime();
        ModelConfig c = tf.config();
        int k = s.ica().components();
        int t = NeuronRecorder.tokens(texts);
        if (t < k) {
            throw new Prune4jException("chunk " + chunk + " has " + t + " tokens, fewer than --components " + k + "; give more --chunk-texts or fewer components");
        }
        double[][] chunkSal = new double[c.layerCount()][];
        int[][][] chunkCounts = new int[c.layerCount()][][];
        DenseMatrix[] headSignals = new DenseMatrix[c.layerCount()];
        double[] icaSeconds = new double[c.layerCount()], pcaSeconds = new double[c.layerCount()];
        boolean[] failed = {false};
        int[] reseeds = {0}, runs = {0, 0, 0}; // FastICA runs, their iterations, runs at the limit
        NeuronRecorder.run(tf, texts, 4096, range, (layer, x) -> {
            if (failed[0]) return;
            long tl = System.nanoTime();
            // Centring the neurons' patterns costs one dimension, so k must stay below the neuron count.
            if (x.cols() <= k) throw new Prune4jException("--components " + k + " exceeds layer " + layer + "'s " + x.cols() + " MLP neurons less one (the most is " + (x.cols() - 1) + ")");
            CanIca.LayerResult res;
            try {
                res = CanIca.layer(x, s.ica(), seed * 1_000_003L + chunk * 131L + layer);
            } catch (IllegalArgumentException e) { // rank-deficient activations (dead or duplicate neurons)
                throw new Prune4jException("chunk " + chunk + ", layer " + layer + ": " + e.getMessage() + "; use fewer --components");
            }
            if (res == null) {
                failed[0] = true;
            } else {
                chunkSal[layer] = res.saliency();
                chunkCounts[layer] = res.keyCounts();
                pcaSeconds[layer] += res.pcaSeconds();
                reseeds[0] += res.nonFiniteRestarts();
                runs[0] += res.restartsRun() - res.nonFiniteRestarts();
                runs[1] += res.iterations();
                runs[2] += res.notConverged();
            }
            icaSeconds[layer] += (System.nanoTime() - tl) / 1e9;
            // A layer's CanICA leaves hundreds of MB of k × n and T × k products that outlived young collections;
            // collecting here (~0.2 s per layer of minutes) keeps the peak at one layer's live set plus the model.
            System.gc();
            layerDone.accept(layer - range[0] + 1); // per layer: a 1B chunk is many minutes
        }, s.heads() ? (layer, h) -> headSignals[layer] = h : null);
        double[][] chunkHeads = s.heads() && !failed[0] ? headIca(headSignals, s.ica(), seed * 1_000_003L + chunk * 131L - 1) : null;
        if (s.heads() && chunkHeads == null) failed[0] = true;
        return new Result(t, failed[0], chunkSal, chunkCounts, chunkHeads, reseeds[0], runs[0], runs[1], runs[2], (System.nanoTime() - tc) / 1e9, icaSeconds, pcaSeconds);
    }

    /**
     * One joint CanICA over the head signals of all analysed layers (columns = heads, layer by layer), components
     * capped at the number of heads; returns per-layer head saliency, or null when every restart failed.
     */
    private static double[][] headIca(DenseMatrix[] signals, CanIca.Settings ica, long seed) {
        int t = 0, n = 0;
        for (DenseMatrix m : signals) if (m != null) { t = m.rows(); n += m.cols(); }
        if (n < 2) return new double[signals.length][];
        DenseMatrix all = DenseMatrix.zeros(t, n);
        int col = 0;
        for (DenseMatrix m : signals) {
            if (m == null) continue;
            for (int r = 0; r < t; r++) for (int j = 0; j < m.cols(); j++) all.set(r, col + j, m.get(r, j));
            col += m.cols();
        }
        // At most one fewer than the heads (centring the patterns costs a dimension) and the tokens.
        CanIca.Settings capped = new CanIca.Settings(Math.min(ica.components(), Math.min(n - 1, t)), ica.restarts(), ica.maxIter(), ica.tol(), ica.exactPca());
        CanIca.LayerResult res = CanIca.layer(all, capped, seed);
        if (res == null) return null;
        double[][] out = new double[signals.length][];
        col = 0;
        for (int l = 0; l < signals.length; l++) {
            if (signals[l] == null) continue;
            out[l] = Arrays.copyOfRange(res.saliency(), col, col + signals[l].cols());
            col += signals[l].cols();
        }
        return out;
    }
}
