package org.prune4j.bench;

import org.prune4j.engine.Chunk;
import org.prune4j.engine.KvCache;
import org.prune4j.engine.Transformer;
import org.prune4j.engine.LogSoftmax;
import org.prune4j.kernel.Gemm;
import org.prune4j.kernel.Parallel;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.tensor.Matrix;

import java.util.List;
import java.util.Random;

/**
 * Speed of prune4j's engine on one model: prefill of a prompt (logits of its last token only, as llama.cpp
 * computes them) and greedy decoding with the KV cache, measured after a warm-up run.
 */
public final class Benchmark {
    public record Result(int promptTokens, int generatedTokens, int threads, double prefillSeconds, double decodeSeconds,
                         double prefillGflops, double flopsPerPrefillToken) {
        public double prefillTokPerSec() { return promptTokens / prefillSeconds; }
        public double decodeTokPerSec() { return generatedTokens / decodeSeconds; }
    }

    private Benchmark() {}

    /** The faster of two measurements, phase by phase. */
    public static Result best(Result a, Result b) {
        return new Result(a.promptTokens, a.generatedTokens, a.threads, Math.min(a.prefillSeconds, b.prefillSeconds),
                Math.min(a.decodeSeconds, b.decodeSeconds), Math.max(a.prefillGflops, b.prefillGflops), a.flopsPerPrefillToken);
    }

    /** Best of {@code repeats} measured runs after {@code warmups} unmeasured ones (JIT, page-in of the weights). */
    public static Result run(Transformer tf, int promptLen, int genLen, int warmups, int repeats) {
        ModelConfig c = tf.config();
        int[] prompt = new int[promptLen];
        for (int i = 0; i < promptLen; i++) prompt[i] = 1 + (i * 7919) % Math.min(200, c.vocab() - 1);
        double bestPrefill = Double.MAX_VALUE, bestDecode = Double.MAX_VALUE;
        for (int rep = 0; rep < warmups + repeats; rep++) {
            KvCache cache = new KvCache(c, promptLen + genLen + 1);
            long t0 = System.nanoTime();
            Transformer.Hidden h = tf.forward(List.of(new Chunk(cache, prompt)));
            int tok = LogSoftmax.argmax(tf.logits(h, h.rows() - 1, 1), 0, c.vocab());
            long t1 = System.nanoTime();
            for (int i = 0; i < genLen; i++) {
                Transformer.Hidden s = tf.forward(List.of(new Chunk(cache, new int[]{tok})));
                tok = LogSoftmax.argmax(tf.logits(s, 0, 1), 0, c.vocab());
            }
            long t2 = System.nanoTime();
            if (rep < warmups) continue;
            bestPrefill = Math.min(bestPrefill, (t1 - t0) / 1e9);
            bestDecode = Math.min(bestDecode, (t2 - t1) / 1e9);
        }
        double flopsTok = flopsPerToken(c, promptLen / 2.0);
        double total = flopsTok * promptLen + 2.0 * c.vocab() * c.hidden();
        return new Result(promptLen, genLen, tf.parallel().threads(), bestPrefill, bestDecode, total / bestPrefill / 1e9, flopsTok);
    }

    /** Multiply-add FLOPs of one token through the layers (projections + attention at mean context {@code ctx}). */
    public static double flopsPerToken(ModelConfig c, double ctx) {
        double f = 0;
        for (LayerShape s : c.layers()) {
            if (s.hasAttention()) {
                f += 2.0 * c.hidden() * (2L * s.qDim() + 2L * s.kvDim());
                f += 2.0 * 2 * s.qDim() * ctx;
            }
            if (s.hasMlp()) f += 2.0 * 3 * c.hidden() * s.ffnDim();
        }
        return f;
    }

    /** Bytes a decode step must read: every layer matrix once, plus the output projection. */
    public static long decodeBytesPerToken(org.prune4j.model.Model m) {
        long[] b = {m.weights().output().base().data().byteSize()};
        for (var l : m.weights().layers()) l.forEachLinear((role, x) -> b[0] += x.base().data().byteSize());
        return b[0];
    }

    /**
     * GB/s at which the threads can stream the model's decode weights (a vector sum over every matrix, best of
     * three passes): divided into {@link #decodeBytesPerToken} it is the decode speed no engine can exceed.
     */
    public static double weightStreamGbps(org.prune4j.model.Model m, Parallel par) {
        java.util.List<Matrix> ms = new java.util.ArrayList<>();
        ms.add(m.weights().output().base());
        for (var l : m.weights().layers()) l.forEachLinear((role, x) -> ms.add(x.base()));
        long bytes = decodeBytesPerToken(m);
        double best = Double.MAX_VALUE;
        float[] sink = new float[1];
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (Matrix x : ms) {
                java.lang.foreign.MemorySegment seg = x.data();
                long n = seg.byteSize() / 32;
                par.forRange((int) Math.min(Integer.MAX_VALUE, n), 1024, n * 8, (from, to) -> {
                    jdk.incubator.vector.FloatVector acc = jdk.incubator.vector.FloatVector.zero(jdk.incubator.vector.FloatVector.SPECIES_256);
                    for (long i = from; i < to; i++) {
                        acc = acc.add(jdk.incubator.vector.FloatVector.fromMemorySegment(jdk.incubator.vector.FloatVector.SPECIES_256, seg, i * 32,
                                java.nio.ByteOrder.LITTLE_ENDIAN));
                    }
                    sink[0] += acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
                });
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return bytes / best / 1e9;
    }

    /** GFLOP/s of the prefill GEMM kernel alone on an [n × k] · [m × k]ᵀ F32 product (best of a few runs). */
    public static double gemmGflops(int n, int m, int k, Parallel par) {
        Random r = new Random(7);
        float[] x = new float[n * k], w = new float[m * k], y = new float[n * m];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
        Matrix wm = Matrix.ofFloats(w, m, k);
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 8; rep++) {
            long t0 = System.nanoTime();
            Gemm.multiply(x, n, wm, y, par);
            double s = (System.nanoTime() - t0) / 1e9;
            if (rep >= 2) best = Math.min(best, s);
        }
        return 2.0 * n * m * k / best / 1e9;
    }
}
