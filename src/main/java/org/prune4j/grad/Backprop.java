package org.prune4j.grad;

import org.prune4j.engine.Ops;
import org.prune4j.engine.Rope;
import org.prune4j.kernel.Gemm;
import org.prune4j.kernel.Parallel;
import org.prune4j.model.LayerShape;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.Weight;
import org.prune4j.util.ProgressListener;
import org.prune4j.util.Prune4jException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact gradients of the mean next-token cross-entropy over calibration windows, on the CPU in f32: the loss over
 * all windows (each its own sequence, every position but the last predicting the next token, as Hugging Face's
 * {@code labels=input_ids}), backpropagated through the output projection (tied or not), the final RMSNorm, and
 * every layer's SwiGLU MLP, RoPE (both row layouts) and causal grouped-query attention. Per-layer shapes are read
 * from the config, so pruned models work too.
 *
 * <p>Memory: the forward pass keeps only each layer's input (rows × d per layer); the backward pass recomputes one
 * layer's intermediates from it, and each weight's gradient goes to a {@link GradientSink} as soon as it is
 * complete. Peak is the weights, L·rows·d checkpoints, one layer's activations and one weight gradient, instead of
 * every activation and every gradient of the model.
 */
public final class Backprop {
    /** Logit rows computed at once: bounds the rows × vocab buffer. */
    private static final int LOGIT_ROWS = 256;
    /** Output-matrix rows widened at once for dL/dh. */
    private static final int VOCAB_BLOCK = 4096;

    private final Model model;
    private final ModelConfig c;
    private final Parallel par;
    private final Map<Integer, Rope> ropes = new HashMap<>();

    public Backprop(Model model, Parallel par) {
        this.model = model;
        this.c = model.config();
        this.par = par;
        for (LayerShape s : c.layers()) ropes.computeIfAbsent(s.headDim(), hd -> new Rope(c, hd));
    }

    /** The loss and how many next-token predictions it averages. */
    public record Loss(double mean, long predictions) {}

    /** The mean loss alone: the same forward pass, no gradients. */
    public Loss loss(List<int[]> windows) {
        Windows win = windows(windows);
        float[] x = embed(win);
        for (int l = 0; l < c.layerCount(); l++) x = layer(l, win).forward(x, false);
        return head(x, win, null, null).loss();
    }

    /**
     * Computes the loss and hands every gradient to the sink: per layer (last layer first) the attention and MLP
     * matrices, biases and norms; then, when the sink asks for them, the final norm, output and embedding.
     */
    public Loss run(List<int[]> windows, GradientSink sink, ProgressListener progress) {
        Windows win = windows(windows);
        int n = c.layerCount();
        float[][] inputs = new float[n][];
        float[] x = embed(win);
        for (int l = 0; l < n; l++) {
            inputs[l] = x;
            x = layer(l, win).forward(x, false);
            progress.update(l + 1, 2L * n);
        }
        float[] dx = new float[win.rows() * c.hidden()];
        Head head = head(x, win, dx, sink);
        for (int l = n - 1; l >= 0; l--) {
            LayerPass pass = layer(l, win);
            pass.forward(inputs[l], true);
            inputs[l] = null;
            dx = pass.backward(dx, sink);
            progress.update(2L * n - l, 2L * n);
        }
        if (sink.wantsModelTensors()) embeddingGradient(win, dx, head.outputGradient(), sink);
        return head.loss();
    }

    private Windows windows(List<int[]> windows) {
        if (windows.isEmpty()) throw new Prune4jException("gradients need at least one calibration window");
        for (int[] w : windows) {
            for (int t : w) if (t < 0 || t >= c.vocab()) throw new Prune4jException("token id " + t + " outside the vocabulary of " + c.vocab());
        }
        Windows win = Windows.of(windows);
        if (win.predictions() == 0) throw new Prune4jException("gradients need windows of at least 2 tokens");
        return win;
    }

    private LayerPass layer(int l, Windows win) {
        LayerShape s = c.layer(l);
        return new LayerPass(l, c.hidden(), c.normEps(), s, model.weights().layers().get(l), ropes.get(s.headDim()), win, par);
    }

    private float[] embed(Windows win) {
        int d = c.hidden();
        float[] x = new float[win.rows() * d];
        Weight emb = model.weights().embedding();
        for (int r = 0; r < win.rows(); r++) emb.readRows(win.tokens()[r], 1, x, r * d);
        return x;
    }

    /** The head's loss and, when the sink wants model tensors, the output matrix's gradient. */
    private record Head(Loss loss, float[] outputGradient) {}

    /**
     * Final norm, logits and cross-entropy over row blocks. With {@code dx} given, also the backward pass of the
     * head: dL/dx into dx, and (when the sink wants model tensors) the output and final-norm gradients.
     */
    private Head head(float[] x, Windows win, float[] dx, GradientSink sink) {
        int d = c.hidden(), vocab = c.vocab(), rows = win.rows();
        float[] inv = Dense.inverseRms(x, rows, d, c.normEps());
        float[] h = new float[rows * d];
        Ops.rmsNorm(x, model.weights().finalNorm(), c.normEps(), rows, d, h);
        Weight out = model.weights().output();
        long predictions = win.predictions();
        boolean backward = dx != null, outputGrad = backward && sink.wantsModelTensors();
        float[] dh = backward ? new float[rows * d] : null;
        float[] dOutW = outputGrad ? new float[vocab * d] : null;
        int[] target = targets(win);
        double total = 0;
        for (int r0 = 0; r0 < rows; r0 += LOGIT_ROWS) {
            int n = Math.min(LOGIT_ROWS, rows - r0);
            float[] hb = java.util.Arrays.copyOfRange(h, r0 * d, (r0 + n) * d);
            float[] logits = new float[n * vocab];
            Gemm.multiply(hb, n, out, logits, par);
            for (int i = 0; i < n; i++) {
                int t = target[r0 + i], o = i * vocab;
                if (t < 0) {
                    java.util.Arrays.fill(logits, o, o + vocab, 0f);
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < vocab; j++) max = Math.max(max, logits[o + j]);
                double sum = 0;
                for (int j = 0; j < vocab; j++) sum += Math.exp(logits[o + j] - max);
                double lse = max + Math.log(sum);
                total += lse - logits[o + t];
                if (backward) { // dL/dlogits = (softmax − onehot) / predictions
                    for (int j = 0; j < vocab; j++) logits[o + j] = (float) (Math.exp(logits[o + j] - lse) / predictions);
                    logits[o + t] -= (float) (1.0 / predictions);
                }
            }
            if (!backward) continue;
            float[] tmp = new float[n * d];
            for (int v0 = 0; v0 < vocab; v0 += VOCAB_BLOCK) {
                int nv = Math.min(VOCAB_BLOCK, vocab - v0);
                float[] wBlock = new float[nv * d];
                out.readRows(v0, nv, wBlock, 0);
                float[] dl = new float[n * nv];
                for (int i = 0; i < n; i++) System.arraycopy(logits, i * vocab + v0, dl, i * nv, nv);
                Dense.mul(dl, n, nv, wBlock, d, tmp, par);
                for (int i = 0; i < n * d; i++) dh[r0 * d + i] += tmp[i];
                if (outputGrad) {
                    float[] g = Dense.weightGradient(dl, hb, n, nv, d, par);
                    for (int i = 0; i < nv * d; i++) dOutW[v0 * d + i] += g[i];
                }
            }
        }
        double mean = total / predictions;
        if (!Double.isFinite(mean)) throw new Prune4jException("the calibration loss is NaN/Inf; check the model and the calibration text");
        if (backward) {
            float[] dNorm = Dense.rmsNormBackward(x, inv, model.weights().finalNorm(), dh, rows, d, dx);
            if (sink.wantsModelTensors()) sink.accept(-1, TensorRole.OUTPUT_NORM, dNorm);
        }
        return new Head(new Loss(mean, predictions), dOutW);
    }

    /** The embedding's gradient; with tied embeddings the output's gradient is part of it (one tensor). */
    private void embeddingGradient(Windows win, float[] dx, float[] outputGradient, GradientSink sink) {
        int d = c.hidden();
        float[] dEmb = new float[c.vocab() * d];
        for (int r = 0; r < win.rows(); r++) {
            int t = win.tokens()[r];
            for (int i = 0; i < d; i++) dEmb[t * d + i] += dx[r * d + i];
        }
        if (c.tiedEmbeddings()) {
            for (int i = 0; i < dEmb.length; i++) dEmb[i] += outputGradient[i];
        } else {
            sink.accept(-1, TensorRole.OUTPUT, outputGradient);
        }
        sink.accept(-1, TensorRole.TOKEN_EMBEDDING, dEmb);
    }

    private static int[] targets(Windows win) {
        int[] t = new int[win.rows()];
        java.util.Arrays.fill(t, -1);
        for (int w = 0; w < win.count(); w++) {
            for (int i = 0; i + 1 < win.length()[w]; i++) t[win.start()[w] + i] = win.tokens()[win.start()[w] + i + 1];
        }
        return t;
    }
}
