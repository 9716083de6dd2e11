package org.prune4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs llama.cpp (the prebuilt binaries of the npm package node-llama-cpp, installed under tools/oracles by
 * {@code .ci/run} or {@code npm ci}) through {@code tools/oracles/llama-oracle.mjs}: the independent oracle of the
 * tests and the yardstick of the benchmark. Token ids cross the boundary, never text.
 */
public final class LlamaCppRunner {
    private LlamaCppRunner() {}

    /** tools/oracles under the project root (the launcher passes -Dprune4j.home; tests run from the root). */
    public static Path oracleDir() {
        String home = System.getProperty("prune4j.home", System.getProperty("user.dir"));
        return Path.of(home, "tools", "oracles");
    }

    /** Null when llama.cpp can run this model, else why not. */
    public static String unavailableReason(Path model) {
        if (Files.isDirectory(model) || !model.getFileName().toString().endsWith(".gguf")) return "llama.cpp reads GGUF only: convert the model first";
        if (!Files.isDirectory(oracleDir().resolve("node_modules/node-llama-cpp"))) {
            return "node-llama-cpp is not installed: run (cd tools/oracles && npm install --no-save --omit=optional --ignore-scripts)";
        }
        return null;
    }

    /** Best of {@code repeats} runs after a warm-up, as prune4j's own benchmark measures. */
    public static JsonNode bench(Path model, int prompt, int gen, int threads, int repeats) {
        return run(List.of("bench", model.toAbsolutePath().toString(), "" + prompt, "" + gen, "" + threads, "" + repeats), 600);
    }

    /** The faster of two llama.cpp measurements, phase by phase. */
    public static JsonNode best(JsonNode a, JsonNode b) {
        var o = ((com.fasterxml.jackson.databind.node.ObjectNode) a).deepCopy();
        for (String k : new String[]{"prefillTokPerSec", "decodeTokPerSec"}) o.put(k, Math.max(a.path(k).asDouble(), b.path(k).asDouble()));
        o.put("peakRssBytes", Math.max(a.path("peakRssBytes").asLong(), b.path("peakRssBytes").asLong()));
        return o;
    }

    public static JsonNode logits(Path model, int[] ids, int threads) {
        return run(List.of("logits", model.toAbsolutePath().toString(), json(ids), "" + threads), 600);
    }

    /** llama.cpp's continuation log-likelihoods: per request [sum of log-probs, all greedy], lm-eval's loglikelihood. */
    public static JsonNode continuations(Path model, List<int[]> tokens, List<Integer> continuationLengths, int threads) {
        try {
            Path req = Files.createTempFile("prune4j-llamacpp", ".json");
            try {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < tokens.size(); i++) sb.append(i == 0 ? "" : ",").append('[').append(json(tokens.get(i))).append(',').append(continuationLengths.get(i)).append(']');
                Files.writeString(req, sb.append(']'));
                return run(List.of("continuations", model.toAbsolutePath().toString(), req.toString(), "" + threads), 600);
            } finally {
                Files.deleteIfExists(req);
            }
        } catch (java.io.IOException e) {
            throw new Prune4jException("llama.cpp oracle: cannot write its request file: " + e.getMessage());
        }
    }

    public static int[] greedy(Path model, int[] prompt, int n, int threads) {
        JsonNode r = run(List.of("greedy", model.toAbsolutePath().toString(), json(prompt), "" + n, "" + threads), 600);
        int[] out = new int[r.path("tokens").size()];
        for (int i = 0; i < out.length; i++) out[i] = r.path("tokens").get(i).asInt();
        return out;
    }

    private static String json(int[] ids) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) sb.append(i == 0 ? "" : ",").append(ids[i]);
        return sb.append(']').toString();
    }

    private static JsonNode run(List<String> args, int timeoutSeconds) {
        List<String> cmd = new ArrayList<>(List.of("node", oracleDir().resolve("llama-oracle.mjs").toString()));
        cmd.addAll(args);
        try {
            Path out = Files.createTempFile("prune4j-llamacpp", ".json");
            Path err = Files.createTempFile("prune4j-llamacpp", ".err");
            try {
                Process p = new ProcessBuilder(cmd).directory(oracleDir().toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new Prune4jException("llama.cpp oracle timed out after " + timeoutSeconds + " s");
                }
                if (p.exitValue() != 0) {
                    String e = Files.readString(err, StandardCharsets.UTF_8).strip();
                    throw new Prune4jException("llama.cpp oracle failed (exit " + p.exitValue() + "): "
                            + e.lines().reduce((a, b) -> b).orElse(""));
                }
                return new ObjectMapper().readTree(out.toFile());
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new Prune4jException("cannot run the llama.cpp oracle (node on PATH?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Prune4jException("interrupted while running llama.cpp");
        }
    }
}
