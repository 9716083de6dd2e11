package org.prune4j.engine;

import org.prune4j.kernel.Gemm;
import org.prune4j.kernel.Parallel;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.tensor.Weight;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The LLaMA-family decoder forward pass over a batch of sequence chunks. All token rows of the batch go through
 * each projection together (one GEMM per projection, weights reused across tokens); attention then runs per
 * sequence against its own KV cache. Every layer reads its own shape, so pruned models need nothing special.
 */
public final class Transformer implements AutoCloseable, Batches.ModelConfigSource {
    private final Model model;
    private final ModelConfig config;
    private final Parallel par;
    private final Taps taps = new Taps();
    private final Map<Integer, Rope> ropes = new HashMap<>();
    /** Scratch kept between passes: calibration runs many passes of one size, and fresh buffers per pass (hundreds
     * of MB for wide MLPs) only feed the garbage collector, which lets resident memory grow. */
    private Buffers scratch;

    private final boolean ownsThreads;

    public Transformer(Model model, int threads) {
        this(model, new Parallel(threads), true);
    }

    /** A transformer over another model that borrows an existing worker team (not closed with this one). */
    public Transformer(Model model, Parallel shared) {
        this(model, shared, false);
    }

    private Transformer(Model model, Parallel par, boolean ownsThreads) {
        this.model = model;
        this.config = model.config();
        this.par = par;
        this.ownsThreads = ownsThreads;
        for (LayerShape s : config.layers()) ropes.computeIfAbsent(s.headDim(), hd -> new Rope(config, hd));
    }

    /**
     * A transformer over another model of the same shapes (e.g. a weight view: perturbed, low-rank) that borrows this
     * one's worker team and scratch buffers: loss probes then allocate nothing per pass, so nothing they leave behind
     * accumulates in the old generation between full collections. Use one at a time.
     */
    public Transformer sharing(Model other) {
        if (!other.config().layers().equals(config.layers()) || other.config().hidden() != config.hidden()) {
            throw new IllegalArgumentException("a transformer can share scratch only with a model of the same shapes");
        }
        Transformer t = new Transformer(other, par, false);
        t.scratch = scratch;
        return t;
    }

    public Model model() { return model; }
    @Override public ModelConfig config() { return config; }
    public Taps taps() { return taps; }
    public Parallel parallel() { return par; }

    /** Result of a forward pass: final-normed hidden states [rows × d] and the batch layout. */
    public record Hidden(float[] states, int rows, BatchLayout layout) {}

    /**
     * The residual stream of a batch between layers: rows of hidden state, their layout, and the chunks whose
     * caches receive keys/values. {@link #embed}, {@link #runLayers} and {@link #finish} split a forward pass so
     * that calibration can run passes from a given layer on, or one layer at a time (sequential pruning).
     */
    public record Batch(float[] x, int rows, BatchLayout layout, List<Chunk> chunks) {}

    /**
     * Runs the chunks' new tokens through the model, appending their keys/values to each chunk's cache.
     * Returns the hidden states after the final norm, ready for {@link #logits}.
     */
    public Hidden forward(List<Chunk> chunks) {
        Batch b = embed(chunks);
        runLayers(b, 0, config.layerCount());
        return finish(b);
    }

    /** Token embeddings of the chunks' new tokens: the input of layer 0. */
    public Batch embed(List<Chunk> chunks) {
        int rows = 0;
        for (Chunk c : chunks) rows += c.tokens().length;
        int[] seq = new int[rows], pos = new int[rows], tok = new int[rows];
        int r = 0;
        for (int s = 0; s < chunks.size(); s++) {
            Chunk c = chunks.get(s);
            for (int i = 0; i < c.tokens().length; i++, r++) {
                int t = c.tokens()[i];
                if (t < 0 || t >= config.vocab()) throw new IllegalArgumentException("token id " + t + " outside vocabulary of " + config.vocab());
                seq[r] = s;
                pos[r] = c.cache().length() + i;
                tok[r] = t;
            }
        }
        BatchLayout layout = new BatchLayout(seq, pos);
        int d = config.hidden();
        float[] x = new float[rows * d];
        Weight emb = model.weights().embedding();
        for (int i = 0; i < rows; i++) emb.readRows(tok[i], 1, x, i * d);
        return new Batch(x, rows, layout, chunks);
    }

    /** Runs layers [from, to) over the batch's residual stream in place. */
    public void runLayers(Batch batch, int from, int to) {
        int d = config.hidden(), rows = batch.rows();
        float[] x = batch.x();
        BatchLayout layout = batch.layout();
        Buffers buf = buffers(rows);
        for (int l = from; l < to; l++) {
            taps.fire(l, TapPoint.LAYER_INPUT, x, rows, d, layout);
            LayerShape s = config.layer(l);
            LayerWeights w = model.weights().layers().get(l);
            if (s.hasAttention()) attentionBlock(l, s, w, x, rows, batch.chunks(), layout, buf);
            taps.fire(l, TapPoint.RESIDUAL_MID, x, rows, d, layout);
            if (s.hasMlp()) mlpBlock(l, s, w, x, rows, layout, buf);
            taps.fire(l, TapPoint.LAYER_OUTPUT, x, rows, d, layout);
        }
    }

    /** Ends a pass: advances the chunks' caches and applies the final norm. */
    public Hidden finish(Batch batch) {
        for (Chunk c : batch.chunks()) c.cache().advance(c.tokens().length);
        int d = config.hidden();
        float[] out = new float[batch.rows() * d];
        Ops.rmsNorm(batch.x(), model.weights().finalNorm(), config.normEps(), batch.rows(), d, out);
        return new Hidden(out, batch.rows(), batch.layout());
    }

    private void attentionBlock(int l, LayerShape s, LayerWeights w, float[] x, int rows, List<Chunk> chunks,
                                BatchLayout layout, Buffers b) {
        int d = config.hidden(), qDim = s.qDim(), kvDim = s.kvDim();
        Ops.rmsNorm(x, w.attnNorm(), config.normEps(), rows, d, b.xn);
        taps.fire(l, TapPoint.ATTN_INPUT, b.xn, rows, d, layout);
        Gemm.multiply(b.xn, rows, new Weight[]{w.wq(), w.wk(), w.wv()}, new float[][]{b.q, b.k, b.v}, par);
        Ops.addBias(b.q, w.bq(), rows);
        Ops.addBias(b.k, w.bk(), rows);
        Ops.addBias(b.v, w.bv(), rows);
        taps.fire(l, TapPoint.Q, b.q, rows, qDim, layout);
        taps.fire(l, TapPoint.K, b.k, rows, kvDim, layout);
        taps.fire(l, TapPoint.V, b.v, rows, kvDim, layout);
        Rope rope = ropes.get(s.headDim());
        rope.apply(b.q, rows, s.heads(), layout.position());
        rope.apply(b.k, rows, s.kvHeads(), layout.position());
        for (int i = 0; i < rows; i++) {
            KvCache c = chunks.get(layout.sequence()[i]).cache();
            int p = layout.position()[i];
            c.put(l, p, b.k, b.v, i * kvDim);
        }
        Attention.run(l, b.q, rows, s.heads(), s.kvHeads(), s.headDim(), chunks, layout, b.att, par);
        taps.fire(l, TapPoint.ATTN_HEADS, b.att, rows, qDim, layout);
        Gemm.multiply(b.att, rows, w.wo(), b.o, par);
        Ops.addBias(b.o, w.bo(), rows);
        taps.fire(l, TapPoint.ATTN_OUTPUT, b.o, rows, d, layout);
        Ops.addInPlace(x, b.o, rows * d);
    }

    private void mlpBlock(int l, LayerShape s, LayerWeights w, float[] x, int rows, BatchLayout layout, Buffers b) {
        int d = config.hidden(), m = s.ffnDim();
        Ops.rmsNorm(x, w.ffnNorm(), config.normEps(), rows, d, b.xn);
        taps.fire(l, TapPoint.MLP_INPUT, b.xn, rows, d, layout);
        Gemm.multiply(b.xn, rows, new Weight[]{w.wGate(), w.wUp()}, new float[][]{b.gate, b.up}, par);
        taps.fire(l, TapPoint.GATE, b.gate, rows, m, layout);
        int n = rows * m;
        Ops.siluInPlace(b.gate, n);
        taps.fire(l, TapPoint.GATE_ACT, b.gate, rows, m, layout);
        taps.fire(l, TapPoint.UP, b.up, rows, m, layout);
        Ops.mulInPlace(b.gate, b.up, n);
        taps.fire(l, TapPoint.MLP_HIDDEN, b.gate, rows, m, layout);
        Gemm.multiply(b.gate, rows, w.wDown(), b.o, par);
        Ops.addBias(b.o, w.bDown(), rows);
        taps.fire(l, TapPoint.MLP_OUTPUT, b.o, rows, d, layout);
        Ops.addInPlace(x, b.o, rows * d);
    }

    /** Logits [count × vocab] of hidden rows [from, from+count). */
    public float[] logits(Hidden h, int from, int count) {
        int d = config.hidden();
        float[] x = java.util.Arrays.copyOfRange(h.states(), from * d, (from + count) * d);
        float[] out = new float[count * config.vocab()];
        Gemm.multiply(x, count, model.weights().output(), out, par);
        return out;
    }

    private Buffers buffers(int rows) {
        if (scratch == null || scratch.rows < rows) scratch = new Buffers(rows, config);
        return scratch;
    }

    /** Scratch sized for the widest layer; tap listeners see views of these arrays. */
    private static final class Buffers {
        final float[] xn, q, k, v, att, o, gate, up;
        final int rows;

        Buffers(int rows, ModelConfig c) {
            this.rows = rows;
            xn = new float[rows * c.hidden()];
            q = new float[rows * c.maxQDim()];
            k = new float[rows * c.maxKvDim()];
            v = new float[rows * c.maxKvDim()];
            att = new float[rows * c.maxQDim()];
            o = new float[rows * c.hidden()];
            gate = new float[rows * c.maxFfn()];
            up = new float[rows * c.maxFfn()];
        }
    }

    @Override
    public void close() {
        if (ownsThreads) par.close();
    }
}
