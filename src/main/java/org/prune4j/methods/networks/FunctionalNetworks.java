package org.prune4j.methods.networks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.prune4j.engine.Transformer;
import org.prune4j.model.LayerShape;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.AtomicOutput;
import org.prune4j.util.ProgressListener;
import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A model's functional networks as the pruning method uses them (methods.md §1.1–1.4): per layer, the saliency of
 * every MLP neuron ([SiLU(gate) | up], 2m values: the largest |z| any ICA map of any chunk gives it), with the run's
 * provenance. Computing them is the expensive step, so they are saved once ({@code prune4j networks}) and reused
 * for every ratio; a saved set is refused for a model with another shape or other weights (fingerprint).
 *
 * @param range    the layers [start, end) analysed (others have empty saliency)
 * @param saliency     per layer, 2m values (empty outside the range)
 * @param headSaliency per layer, one value per query head (empty outside the range or when heads were not analysed)
 * @param keyCounts    per layer, per level of {@link CanIca#KEY_THRESHOLDS}, per network (chunk-major: used chunk r's
 *                     map c is network r·k + c): how many of the layer's 2m neurons have |z| above the level
 */
public record FunctionalNetworks(String fingerprint, Settings settings, long seed, int[] range, double[][] saliency,
                                 double[][] headSaliency, int[][][] keyCounts, Log log) {
    public static final String FILE = "networks.json";

    /**
     * How the networks were computed: chunking of the text and the CanICA settings; {@code heads} adds the head
     * analysis (one signal per query head, one joint ICA over the heads of all analysed layers, §1.6).
     */
    public record Settings(int chunks, int chunkTexts, int maxLen, CanIca.Settings ica, boolean heads) implements java.io.Serializable {}

    /**
     * Chunks used and skipped (ICA NaN/Inf in every restart of some layer), tokens per chunk, FastICA runs re-seeded
     * after NaN/Inf per chunk, FastICA runs that stopped at the iteration limit and the mean iterations of a run per
     * chunk, wall time per chunk, CanICA time per layer (all chunks; the rest of a chunk's time is the forward pass
     * that records the neurons), the part of it before FastICA (z-scores, principal patterns, whitening; null in
     * networks saved before it was logged) and in all.
     */
    public record Log(int chunksUsed, List<Integer> chunksSkipped, List<Integer> tokensPerChunk, List<Integer> reseededRuns,
                      List<Integer> notConvergedRuns, List<Double> meanIterations, List<Double> secondsPerChunk,
                      double[] icaSecondsPerLayer, double[] pcaSecondsPerLayer, double seconds) {}

    /** Channel i's score: the larger saliency of its SiLU(gate) neuron i and its up neuron m + i. */
    public double[] channelScores(int layer) {
        double[] s = saliency[layer];
        int m = s.length / 2;
        double[] out = new double[m];
        for (int i = 0; i < m; i++) out[i] = Math.max(s[i], s[m + i]);
        return out;
    }

    /** Runs CanICA over the documents (file order, chunks of chunkTexts texts) for the layers of the range. */
    public static FunctionalNetworks compute(Model model, Transformer tf, List<String> documents, Settings s, int[] range, long seed,
                                             ProgressListener progress) {
        long t0 = System.nanoTime();
        ModelConfig c = model.config();
        List<List<int[]>> groups = chunks(documents, model.tokenizer(), s, Math.min(s.maxLen(), c.contextLength()));
        if (groups.isEmpty()) throw new Prune4jException("the functional networks need calibration text, and it has no documents");
        double[][] saliency = new double[c.layerCount()][];
        double[][] headSaliency = new double[c.layerCount()][];
        for (int l = 0; l < c.layerCount(); l++) {
            boolean in = l >= range[0] && l < range[1];
            saliency[l] = new double[in ? 2 * c.layer(l).ffnDim() : 0];
            headSaliency[l] = new double[in && s.heads() ? c.layer(l).heads() : 0];
        }
        List<Integer> skipped = new ArrayList<>(), tokens = new ArrayList<>(), reseeded = new ArrayList<>();
        List<Double> chunkSeconds = new ArrayList<>(), meanIterations = new ArrayList<>();
        List<Integer> notConverged = new ArrayList<>();
        double[] icaSeconds = new double[c.layerCount()], pcaSeconds = new double[c.layerCount()];
        List<List<int[][]>> counts = new ArrayList<>(); // per layer, per used chunk: [threshold][map]
        for (int l = 0; l < c.layerCount(); l++) counts.add(new ArrayList<>());
        int span = range[1] - range[0];
        IcaChunks.Executor remote = IcaChunks.executor();
        List<IcaChunks.Result> shipped = remote == null ? null : remote.run(model, groups, s, range, seed);
        for (int r = 0; r < groups.size(); r++) {
            final int chunk = r;
            IcaChunks.Result res = shipped != null ? shipped.get(r)
                    : IcaChunks.compute(tf, groups.get(r), s, range, seed, r, done -> progress.update(chunk * span + done, groups.size() * span));
            tokens.add(res.tokens());
            reseeded.add(res.reseeds());
            notConverged.add(res.notConverged());
            meanIterations.add(res.runs() == 0 ? 0.0 : res.iterations() / (double) res.runs());
            for (int l = 0; l < c.layerCount(); l++) {
                icaSeconds[l] += res.icaSeconds()[l];
                pcaSeconds[l] += res.pcaSeconds()[l];
            }
            if (res.failed()) {
                skipped.add(r);
            } else {
                // Saliency merges by max over chunks: the same whichever machine computed which chunk.
                for (int l = range[0]; l < range[1]; l++) {
                    if (res.counts()[l] != null) counts.get(l).add(res.counts()[l]);
                    if (res.saliency()[l] != null) for (int j = 0; j < res.saliency()[l].length; j++) saliency[l][j] = Math.max(saliency[l][j], res.saliency()[l][j]);
                    if (res.heads() != null && res.heads()[l] != null) {
                        for (int j = 0; j < res.heads()[l].length; j++) headSaliency[l][j] = Math.max(headSaliency[l][j], res.heads()[l][j]);
                    }
                }
            }
            chunkSeconds.add(res.seconds());
            progress.update((r + 1) * span, groups.size() * span);
        }
        if (skipped.size() == groups.size()) throw new Prune4jException("ICA produced NaN/Inf in every chunk; no functional networks were found");
        return new FunctionalNetworks(fingerprint(model), s, seed, range.clone(), saliency, headSaliency, flatten(counts),
                new Log(groups.size() - skipped.size(), skipped, tokens, reseeded, notConverged, meanIterations, chunkSeconds, icaSeconds, pcaSeconds, (System.nanoTime() - t0) / 1e9));
    }

    /** Per layer, the used chunks' [threshold][map] counts joined chunk-major into [threshold][network]. */
    private static int[][][] flatten(List<List<int[][]>> counts) {
        int[][][] out = new int[counts.size()][CanIca.KEY_THRESHOLDS.length][];
        for (int l = 0; l < counts.size(); l++) {
            for (int t = 0; t < CanIca.KEY_THRESHOLDS.length; t++) {
                final int level = t;
                out[l][t] = counts.get(l).stream().flatMapToInt(byLevel -> Arrays.stream(byLevel[level])).toArray();
            }
        }
        return out;
    }

    /** Documents in file order, tokenized (BOS as the model uses it), truncated to the limit, in chunks. */
    static List<List<int[]>> chunks(List<String> docs, Tokenizer tok, Settings s, int limit) {
        List<List<int[]>> out = new ArrayList<>();
        for (int start = 0; start < docs.size() && out.size() < s.chunks(); start += s.chunkTexts()) {
            List<int[]> texts = new ArrayList<>();
            for (int i = start; i < Math.min(docs.size(), start + s.chunkTexts()); i++) {
                int[] ids = tok.encode(docs.get(i));
                int[] all = new int[ids.length + (tok.addBos() ? 1 : 0)];
                if (tok.addBos()) all[0] = tok.bos();
                System.arraycopy(ids, 0, all, all.length - ids.length, ids.length);
                if (all.length > 0) texts.add(Arrays.copyOf(all, Math.min(limit, all.length)));
            }
            out.add(texts);
        }
        return out;
    }

    /**
     * Identifies a model: its per-layer shapes and a SHA-256 over the first row of every layer's gate and up
     * matrices and of the embedding (a networks set from other weights of the same shape is refused too).
     */
    public static String fingerprint(Model m) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ModelConfig c = m.config();
            md.update((c.hidden() + "/" + c.vocab() + "/" + c.layers()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * Math.max(c.hidden(), 1));
            for (var w : weightsToHash(m)) {
                b.clear();
                for (float v : w.row(0)) b.putFloat(v);
                md.update(b.array(), 0, b.position());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<org.prune4j.tensor.Weight> weightsToHash(Model m) {
        List<org.prune4j.tensor.Weight> out = new ArrayList<>();
        out.add(m.weights().embedding());
        for (var lw : m.weights().layers()) {
            if (lw.wGate() != null) out.add(lw.wGate());
            if (lw.wUp() != null) out.add(lw.wUp());
        }
        return out;
    }

    /** Writes DIR/networks.json atomically (the folder appears complete or not at all). */
    public void save(Path dir, boolean overwrite) {
        save(dir, overwrite, tmp -> {});
    }

    /** Writes DIR/networks.json and whatever {@code more} adds to the folder (figures), atomically. */
    public void save(Path dir, boolean overwrite, AtomicOutput.Writer more) {
        AtomicOutput.write(dir, AtomicOutput.Kind.FOLDER, overwrite, tmp -> {
            Files.createDirectories(tmp);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.resolve(FILE).toFile(), this);
            more.write(tmp);
        });
    }

    /** Reads DIR/networks.json and checks it belongs to this model; one-line errors naming the file. */
    public static FunctionalNetworks load(Path dir, Model model) {
        Path f = Files.isDirectory(dir) ? dir.resolve(FILE) : dir;
        if (!Files.isRegularFile(f)) throw Prune4jException.inFile(f, "no such networks file (compute one with prune4j networks)");
        FunctionalNetworks n;
        try {
            n = new ObjectMapper().readValue(f.toFile(), FunctionalNetworks.class);
        } catch (IOException e) {
            throw Prune4jException.inFile(f, "is not a networks file: " + e.getMessage().lines().findFirst().orElse(""));
        }
        ModelConfig c = model.config();
        if (n.saliency() == null || n.saliency().length != c.layerCount()) {
            throw Prune4jException.inFile(f, "holds networks of a " + (n.saliency() == null ? 0 : n.saliency().length) + "-layer model, this one has " + c.layerCount());
        }
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape s = c.layer(l);
            int len = n.saliency()[l].length;
            if (len != 0 && len != 2 * s.ffnDim()) throw Prune4jException.inFile(f, "layer " + l + " has " + len / 2 + " MLP channels, the model " + s.ffnDim());
            int h = n.headSaliency() == null ? 0 : n.headSaliency()[l].length;
            if (h != 0 && h != s.heads()) throw Prune4jException.inFile(f, "layer " + l + " has " + h + " heads, the model " + s.heads());
        }
        if (!fingerprint(model).equals(n.fingerprint())) throw Prune4jException.inFile(f, "was computed for other weights (fingerprint mismatch)");
        return n;
    }
}
