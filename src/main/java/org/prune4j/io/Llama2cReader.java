package org.prune4j.io;

import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * llama2.c checkpoints, float32 only: the legacy export (7-int header) and version 1 ("ak42" magic, 256-byte
 * header, norms first). The format has one shape for all layers, so it is read-only here: pruned models are
 * exported to GGUF or safetensors.
 */
public final class Llama2cReader {
    public static final int MAGIC_V1 = 0x616b3432;

    private Llama2cReader() {}

    public static boolean looksLikeV1(MappedFile f) {
        return f.size() >= 8 && f.readInt(0, "magic") == MAGIC_V1;
    }

    public static Model read(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return read(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static Model read(MappedFile f) {
        boolean v1 = looksLikeV1(f);
        long hdr = 0;
        if (v1) {
            int version = f.readInt(4, "version");
            if (version != 1) {
                throw Prune4jException.inFile(f.path(), "llama2.c checkpoint version " + version
                        + " is not supported (float32 legacy and version 1 are)");
            }
            hdr = 8;
        }
        int dim = f.readInt(hdr, "header"), hidden = f.readInt(hdr + 4, "header"), layers = f.readInt(hdr + 8, "header");
        int heads = f.readInt(hdr + 12, "header"), kvHeads = f.readInt(hdr + 16, "header");
        int vocabRaw = f.readInt(hdr + 20, "header"), seqLen = f.readInt(hdr + 24, "header");
        boolean shared = v1 ? f.slice(hdr + 28, 1, "header").get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) != 0 : vocabRaw > 0;
        int vocab = Math.abs(vocabRaw);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || seqLen <= 0
                || dim % heads != 0 || heads % kvHeads != 0 || dim > 1 << 16 || layers > 1024 || hidden > 1 << 20) {
            throw Prune4jException.inFile(f.path(), "not a llama2.c checkpoint: header dim=" + dim + " hidden=" + hidden
                    + " layers=" + layers + " heads=" + heads + " kv_heads=" + kvHeads + " vocab=" + vocabRaw + " seq_len=" + seqLen);
        }
        int headDim = dim / heads, kvDim = kvHeads * headDim;
        long weights = (long) vocab * dim + layers * (2L * dim + 2L * dim * dim + 2L * dim * kvDim + 3L * dim * hidden) + dim
                + (shared ? 0 : (long) vocab * dim);
        long freqs = v1 ? 0 : (long) seqLen * headDim; // legacy files carry the unused freq_cis tables
        long start = v1 ? 256 : 28;
        long expected = start + 4 * (weights + freqs);
        if (f.size() != expected) {
            throw Prune4jException.inFile(f.path(), "is " + f.size() + " bytes but its header (dim=" + dim + ", layers=" + layers
                    + ", vocab=" + vocab + ") implies " + expected + " bytes: truncated, corrupt, or not a float32 llama2.c file");
        }
        Cursor c = new Cursor(f, start);
        float[][] attNorm = new float[layers][], ffnNorm = new float[layers][];
        float[] finalNorm = null;
        Matrix emb = null;
        if (v1) {
            for (int l = 0; l < layers; l++) attNorm[l] = c.floats(dim, "rms_att");
            for (int l = 0; l < layers; l++) ffnNorm[l] = c.floats(dim, "rms_ffn");
            finalNorm = c.floats(dim, "rms_final");
            emb = c.matrix(vocab, dim, "token_embedding");
        } else {
            emb = c.matrix(vocab, dim, "token_embedding");
            for (int l = 0; l < layers; l++) attNorm[l] = c.floats(dim, "rms_att");
        }
        Matrix[] wq = c.matrices(layers, dim, dim, "wq"), wk = c.matrices(layers, kvDim, dim, "wk");
        Matrix[] wv = c.matrices(layers, kvDim, dim, "wv"), wo = c.matrices(layers, dim, dim, "wo");
        if (!v1) for (int l = 0; l < layers; l++) ffnNorm[l] = c.floats(dim, "rms_ffn");
        Matrix[] w1 = c.matrices(layers, hidden, dim, "w1"), w2 = c.matrices(layers, dim, hidden, "w2");
        Matrix[] w3 = c.matrices(layers, hidden, dim, "w3");
        if (!v1) {
            finalNorm = c.floats(dim, "rms_final");
            c.skip(4 * freqs);
        }
        Matrix out = shared ? emb : c.matrix(vocab, dim, "wcls");

        List<LayerShape> shapes = new ArrayList<>();
        List<LayerWeights> lw = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            shapes.add(LayerShape.plain(heads, kvHeads, headDim, hidden));
            // llama2.c's w1/w3/w2 are gate/up/down.
            lw.add(LayerWeights.builder().vector(TensorRole.ATTN_NORM, attNorm[l]).weight(TensorRole.Q, wq[l])
                    .weight(TensorRole.K, wk[l]).weight(TensorRole.V, wv[l]).weight(TensorRole.O, wo[l])
                    .vector(TensorRole.FFN_NORM, ffnNorm[l]).weight(TensorRole.GATE, w1[l]).weight(TensorRole.UP, w3[l])
                    .weight(TensorRole.DOWN, w2[l]).build());
        }
        // llama2.c's run.c hard-codes eps 1e-5 and theta 10000.
        ModelConfig cfg = new ModelConfig("llama", dim, vocab, 1e-5f, 10000f, null, RopeStyle.INTERLEAVED, shared, seqLen, shapes);
        return new Model(cfg, new ModelWeights(emb, lw, finalNorm, out), null, f, f.path(), Model.FileOrigin.of(f.path()));
    }

    /** Sequential reader over the float32 payload. */
    private static final class Cursor {
        private final MappedFile f;
        private long pos;

        Cursor(MappedFile f, long pos) {
            this.f = f;
            this.pos = pos;
        }

        float[] floats(int n, String what) {
            float[] v = f.readFloats(pos, n, what);
            pos += 4L * n;
            return v;
        }

        Matrix matrix(int rows, int cols, String what) {
            long bytes = 4L * rows * cols;
            Matrix m = new Matrix(f.slice(pos, bytes, what), DType.F32, rows, cols);
            pos += bytes;
            return m;
        }

        Matrix[] matrices(int layers, int rows, int cols, String what) {
            Matrix[] out = new Matrix[layers];
            for (int l = 0; l < layers; l++) out[l] = matrix(rows, cols, what + "[" + l + "]");
            return out;
        }

        void skip(long bytes) {
            pos += bytes;
        }
    }
}
