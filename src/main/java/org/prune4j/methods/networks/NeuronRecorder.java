package org.prune4j.methods.networks;

import org.prune4j.engine.BatchLayout;
import org.prune4j.engine.Batches;
import org.prune4j.engine.Chunk;
import org.prune4j.engine.KvCache;
import org.prune4j.engine.TapListener;
import org.prune4j.engine.TapPoint;
import org.prune4j.engine.Transformer;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Records the MLP neurons of a chunk of texts the way the functional-networks authors hook them (methods.md §1.1):
 * per layer the block [SiLU(W_gate x) | W_up x] (2m columns), every token position of every text (BOS included),
 * each text its own sequence. Layers are run one at a time over the whole chunk, keeping only the residual stream
 * between them, so at most one layer's T × 2m activation matrix exists at once (never T × L·2m). That matrix is
 * reused from layer to layer when the width allows (a 1B layer's is 1.6 GB: a fresh one per layer would leave the
 * last one to a full collection), so a consumer must not keep it past its call.
 */
public final class NeuronRecorder {
    /** Receives one layer's activations [tokens × 2m]: columns 0..m−1 SiLU(gate), m..2m−1 up. */
    @FunctionalInterface
    public interface LayerConsumer {
        void accept(int layer, DenseMatrix activations);
    }

    /** Receives one layer's head signals [tokens × heads]: each query head's attention output averaged over head_dim. */
    @FunctionalInterface
    public interface HeadConsumer {
        void accept(int layer, DenseMatrix signals);
    }

    private NeuronRecorder() {}

    /** Total rows (tokens) of the texts. */
    public static int tokens(List<int[]> texts) {
        return texts.stream().mapToInt(t -> t.length).sum();
    }

    /**
     * Runs the texts layer by layer; calls the consumer for every layer that has an MLP, in layer order.
     *
     * @param passTokens rows per forward pass (texts are packed whole)
     */
    public static void run(Transformer tf, List<int[]> texts, int passTokens, LayerConsumer consumer) {
        run(tf, texts, passTokens, new int[]{0, tf.config().layerCount()}, consumer, null);
    }

    /**
     * As {@link #run(Transformer, List, int, LayerConsumer)} for the layers of range [start, end) only (layers
     * before it run untapped, none after it run), also handing each layer's head signals to {@code heads}.
     */
    public static void run(Transformer tf, List<int[]> texts, int passTokens, int[] range, LayerConsumer consumer, HeadConsumer heads) {
        ModelConfig c = tf.config();
        List<int[]> passes = Batches.plan(texts, passTokens);
        List<float[]> residual = new ArrayList<>();
        List<BatchLayout> layouts = new ArrayList<>();
        int[] rowStart = new int[passes.size()];
        int rows = 0;
        for (int p = 0; p < passes.size(); p++) {
            Transformer.Batch b = tf.embed(chunks(c, texts.subList(passes.get(p)[0], passes.get(p)[1]), 0));
            residual.add(b.x());
            layouts.add(b.layout());
            rowStart[p] = rows;
            rows += b.rows();
        }
        DenseMatrix buffer = null;
        for (int l = 0; l < range[1]; l++) {
            int m = c.layer(l).ffnDim(), h = c.layer(l).heads(), hd = c.layer(l).headDim();
            boolean tapped = l >= range[0]; // layers before the range only move the residual stream on
            if (tapped && m > 0 && (buffer == null || buffer.cols() != 2 * m)) {
                buffer = null; // let the old one go before the new one is allocated
                buffer = DenseMatrix.zeros(rows, 2 * m);
            }
            DenseMatrix x = tapped && m > 0 ? buffer : null; // every element is overwritten by the taps below
            DenseMatrix hs = tapped && heads != null && h > 0 ? DenseMatrix.zeros(rows, h) : null;
            for (int p = 0; p < passes.size(); p++) {
                final int layer = l, base = rowStart[p];
                TapListener act = (ly, pt, data, n, width, layout) -> { if (ly == layer) copy(data, n, width, x, base, 0); };
                TapListener up = (ly, pt, data, n, width, layout) -> { if (ly == layer) copy(data, n, width, x, base, width); };
                TapListener att = (ly, pt, data, n, width, layout) -> { if (ly == layer) headMeans(data, n, h, hd, hs, base); };
                List<Chunk> chunks = chunks(c, texts.subList(passes.get(p)[0], passes.get(p)[1]), l);
                Transformer.Batch b = new Transformer.Batch(residual.get(p), layouts.get(p).sequence().length, layouts.get(p), chunks);
                try (AutoCloseable a = x != null ? tf.taps().add(TapPoint.GATE_ACT, act) : () -> {};
                     AutoCloseable u = x != null ? tf.taps().add(TapPoint.UP, up) : () -> {};
                     AutoCloseable at = hs != null ? tf.taps().add(TapPoint.ATTN_HEADS, att) : () -> {}) {
                    tf.runLayers(b, l, l + 1);
                } catch (Exception e) {
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
            if (hs != null) heads.accept(l, hs);
            if (x != null) consumer.accept(l, x);
        }
    }

    private static List<Chunk> chunks(ModelConfig c, List<int[]> texts, int layer) {
        List<Chunk> out = new ArrayList<>();
        for (int[] t : texts) out.add(new Chunk(KvCache.forLayer(c, t.length, layer), t));
        return out;
    }

    private static void headMeans(float[] data, int n, int heads, int hd, DenseMatrix out, int rowBase) {
        for (int r = 0; r < n; r++) {
            for (int h = 0; h < heads; h++) {
                double s = 0;
                for (int i = 0; i < hd; i++) s += data[r * heads * hd + h * hd + i];
                out.set(rowBase + r, h, s / hd);
            }
        }
    }

    private static void copy(float[] data, int n, int width, DenseMatrix x, int rowBase, int colBase) {
        int cols = x.cols();
        for (int r = 0; r < n; r++) {
            int o = (rowBase + r) * cols + colBase;
            for (int j = 0; j < width; j++) x.data()[o + j] = data[r * width + j];
        }
    }
}
