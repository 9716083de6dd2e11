package org.prune4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.engine.Transformer;
import org.prune4j.io.GgufEdit;
import org.prune4j.io.GgufModelWriter;
import org.prune4j.io.HfWriter;
import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;
import org.prune4j.tensor.DType;
import org.prune4j.util.Prune4jException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's catalogue of hostile inputs, class by class: each case is a well-formed file whose content is wrong
 * (counts, floats, tensor layout, tokenizer ids, plans, options) and must end in the project's one-line error,
 * naming the file or option. Anything else is counted as the issue counts it: a trace (another exception), an Error
 * (out of memory, stack overflow), a hang (over 20 s), or a silently wrong model (loads and runs). The table of
 * outcomes per class is printed, so the before/after counts of the closing note are reproducible.
 */
class HostileInputTest {
    enum Outcome { REFUSED, TRACE, ERROR, HANG, SILENTLY_WRONG }

    record Case(String cls, String name, Callable<Outcome> run) {}

    static final Path DIR = TestData.tempDir();
    static final Path GGUF = DIR.resolve("stories.gguf"), Q8 = DIR.resolve("stories-q8.gguf"), HF = DIR.resolve("stories-hf");
    static final String L = "llama.";
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        try (Model m = TestData.stories()) {
            GgufModelWriter.write(m, GGUF, null, false);
            GgufModelWriter.write(m, Q8, DType.Q8_0, false);
            HfWriter.write(m, HF, null, 0, false);
        }
    }

    /** Loads a model, runs it on three tokens and round-trips a text through its tokenizer. */
    static Outcome load(Path model) {
        try (Model m = ModelLoader.load(model, null); Transformer tf = new Transformer(m, 1)) {
            TestData.logits(tf, new int[] {1, 2, 3});
            if (m.tokenizer() != null) m.tokenizer().decode(m.tokenizer().encode("Once upon a time"), true);
            return Outcome.SILENTLY_WRONG;
        }
    }

    /** The refusal message of the case that ran last on this thread (printed with the table). */
    static final ThreadLocal<String> MESSAGE = new ThreadLocal<>();

    static Outcome cli(String... args) {
        CliRunner.Outcome o = CliRunner.run(args);
        String err = o.err().strip();
        MESSAGE.set(err.lines().findFirst().orElse(""));
        if (o.exit() == 0) return Outcome.SILENTLY_WRONG;
        boolean oneLine = o.exit() == 1 ? err.lines().count() == 1 : err.lines().count() <= 2;
        return oneLine && err.startsWith("prune4j: ") && !err.contains("internal error") ? Outcome.REFUSED : Outcome.TRACE;
    }

    static Callable<Outcome> gguf(String name, Map<String, Object> meta, Set<String> drop) {
        return () -> load(GgufEdit.rewrite(GGUF, DIR.resolve(name + ".gguf"), meta, drop));
    }

    static Callable<Outcome> meta(String name, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return gguf(name, m, Set.of());
    }

    static GgufEdit.Typed i32(long v) {
        return new GgufEdit.Typed(GgufEdit.I32, v);
    }

    /** A copy of the good HF folder under DIR. */
    static Path copyOfHf(String name) throws java.io.IOException {
        Path d = DIR.resolve(name);
        Files.createDirectories(d);
        try (var s = Files.list(HF)) {
            for (Path p : s.toList()) Files.copy(p, d.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return d;
    }

    /** A copy of the HF folder with config.json (and optionally another file) edited. */
    static Callable<Outcome> hf(String name, String file, java.util.function.UnaryOperator<String> edit) {
        return () -> {
            Path d = copyOfHf(name);
            Path f = d.resolve(file);
            Files.writeString(f, edit.apply(Files.readString(f)));
            return load(d);
        };
    }

    static Callable<Outcome> config(String name, String key, String rawJsonValue) {
        return hf(name, "config.json", c -> c.replaceFirst("\"" + key + "\" : [^,\\n]+", "\"" + key + "\" : " + rawJsonValue));
    }

    /** A copy of the HF folder whose safetensors header is edited (the data is unchanged). */
    static Callable<Outcome> safetensors(String name, java.util.function.Consumer<ObjectNode> edit) {
        return () -> {
            Path d = copyOfHf(name);
            Path st = d.resolve("model.safetensors");
            byte[] b = Files.readAllBytes(st);
            long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            ObjectNode header = (ObjectNode) JSON.readTree(new String(b, 8, (int) n, StandardCharsets.UTF_8));
            edit.accept(header);
            byte[] h = JSON.writeValueAsBytes(header);
            byte[] out = new byte[8 + h.length + b.length - 8 - (int) n];
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, h.length);
            System.arraycopy(h, 0, out, 8, h.length);
            System.arraycopy(b, 8 + (int) n, out, 8 + h.length, b.length - 8 - (int) n);
            Files.write(st, out);
            return load(d);
        };
    }

    static List<Case> cases() throws Exception {
        List<Case> c = new ArrayList<>();
        String bc = L + "block_count", hc = L + "attention.head_count", kv = L + "attention.head_count_kv";
        // Counts: zero, negative, huge, inconsistent with the tensors present.
        c.add(new Case("counts", "block_count 0", meta("bc0", bc, 0L)));
        c.add(new Case("counts", "block_count -1", meta("bcneg", bc, i32(-1))));
        c.add(new Case("counts", "block_count 1e9", meta("bchuge", bc, 1_000_000_000L)));
        c.add(new Case("counts", "block_count below the layers present", meta("bcless", bc, 4L)));
        c.add(new Case("counts", "block_count above the layers present", meta("bcmore", bc, 6L)));
        c.add(new Case("counts", "head_count 0", meta("hc0", hc, 0L)));
        c.add(new Case("counts", "head_count -8", meta("hcneg", hc, i32(-8))));
        c.add(new Case("counts", "head_count 1e9", meta("hchuge", hc, 1_000_000_000L)));
        c.add(new Case("counts", "head_count_kv 3 (does not divide 8)", meta("kv3", kv, 3L)));
        c.add(new Case("counts", "head_count_kv 0", meta("kv0", kv, 0L)));
        c.add(new Case("counts", "key_length 0", meta("kl0", L + "attention.key_length", 0L)));
        c.add(new Case("counts", "key_length 7", meta("kl7", L + "attention.key_length", 7L)));
        c.add(new Case("counts", "value_length 16 (key 8)", meta("vl16", L + "attention.value_length", 16L)));
        c.add(new Case("counts", "rope dimension_count 4 (head dim 8)", meta("rd4", L + "rope.dimension_count", 4L)));
        c.add(new Case("counts", "feed_forward_length 1e9", meta("ffhuge", L + "feed_forward_length", 1_000_000_000L)));
        c.add(new Case("counts", "embedding_length 1e9", meta("embhuge", L + "embedding_length", 1_000_000_000L)));
        c.add(new Case("counts", "vocab_size 1000 (embedding has 512)", meta("vocab", L + "vocab_size", 1000L)));
        c.add(new Case("counts", "missing blk.1.ffn_up", gguf("noup", Map.of(), Set.of("blk.1.ffn_up.weight"))));
        c.add(new Case("counts", "missing blk.0.attn_q", gguf("noq", Map.of(), Set.of("blk.0.attn_q.weight"))));
        c.add(new Case("counts", "head_count array of 4 for 5 layers", meta("hcarr", hc, new GgufEdit.Typed(GgufEdit.ARRAY, List.of(8L, 8L, 8L, 8L)))));
        c.add(new Case("counts", "HF num_hidden_layers below the layers present", config("hf-layers4", "num_hidden_layers", "4")));
        c.add(new Case("counts", "HF num_hidden_layers 1e9", config("hf-layershuge", "num_hidden_layers", "1000000000")));
        c.add(new Case("counts", "HF num_attention_heads 1e9", config("hf-headshuge", "num_attention_heads", "1000000000")));
        c.add(new Case("counts", "HF num_key_value_heads -4", config("hf-kvneg", "num_key_value_heads", "-4")));
        c.add(new Case("counts", "HF head_dim 7", config("hf-hd7", "head_dim", "7")));
        c.add(new Case("counts", "HF vocab_size 1000 (embedding has 512)", config("hf-vocab", "vocab_size", "1000")));
        // Floats: NaN, infinities, zero and negative where only positive finite values make sense.
        for (var e : Map.of("NaN", Double.NaN, "+Inf", Double.POSITIVE_INFINITY, "0", 0.0, "-1e-5", -1e-5).entrySet()) {
            c.add(new Case("floats", "rms epsilon " + e.getKey(), meta("eps" + e.getKey(), L + "attention.layer_norm_rms_epsilon", e.getValue())));
        }
        for (var e : Map.of("NaN", Double.NaN, "+Inf", Double.POSITIVE_INFINITY, "-10000", -10000.0).entrySet()) {
            c.add(new Case("floats", "rope freq_base " + e.getKey(), meta("theta" + e.getKey(), L + "rope.freq_base", e.getValue())));
        }
        c.add(new Case("floats", "context_length 0", meta("ctx0", L + "context_length", 0L)));
        c.add(new Case("floats", "context_length 1e9", meta("ctxhuge", L + "context_length", 1_000_000_000L)));
        c.add(new Case("floats", "HF rms_norm_eps 1e999 (Inf)", config("hf-epsinf", "rms_norm_eps", "1e999")));
        c.add(new Case("floats", "HF rms_norm_eps \"tiny\" (a string)", config("hf-epsstr", "rms_norm_eps", "\"tiny\"")));
        c.add(new Case("floats", "HF rope_theta -1", config("hf-theta", "rope_theta", "-1")));
        c.add(new Case("floats", "HF rope freq factors of the wrong length", hf("hf-factors", "config.json",
                s -> s.replace("\"tie_word_embeddings\"", "\"prune4j_rope_freq_factors\" : [1.0, 1.0], \"tie_word_embeddings\""))));
        c.add(new Case("floats", "HF rope freq factors with a zero", hf("hf-factors0", "config.json",
                s -> s.replace("\"tie_word_embeddings\"", "\"prune4j_rope_freq_factors\" : [1.0, 0.0, 1.0, 1.0], \"tie_word_embeddings\""))));
        // Tensors: offsets misaligned, overlapping, negative or past the end; dtypes and shapes a role cannot take.
        long q0 = GgufEdit.offsetOf(GGUF, "blk.0.attn_q.weight"), k0 = GgufEdit.offsetOf(GGUF, "blk.0.attn_k.weight");
        c.add(new Case("tensors", "offset misaligned", () -> load(GgufEdit.patchOffset(GGUF, DIR.resolve("mis.gguf"), "blk.0.attn_q.weight", o -> o + 4))));
        c.add(new Case("tensors", "offsets overlapping", () -> load(GgufEdit.patchOffset(GGUF, DIR.resolve("ovl.gguf"), "blk.0.attn_k.weight", o -> q0))));
        c.add(new Case("tensors", "offset negative", () -> load(GgufEdit.patchOffset(GGUF, DIR.resolve("neg.gguf"), "blk.0.attn_q.weight", o -> -32))));
        c.add(new Case("tensors", "offset past the end", () -> load(GgufEdit.patchOffset(GGUF, DIR.resolve("past.gguf"), "blk.0.attn_q.weight", o -> 1L << 40))));
        c.add(new Case("tensors", "Q8_0 rows of 48 (not a multiple of 32)", () -> load(GgufEdit.patchDims(Q8, DIR.resolve("q8w.gguf"), "blk.0.attn_q.weight", 48, 64 * 64 / 48))));
        c.add(new Case("tensors", "attn_k transposed", () -> load(GgufEdit.patchDims(GGUF, DIR.resolve("ktr.gguf"), "blk.0.attn_k.weight", 32, 64))));
        c.add(new Case("tensors", "safetensors shape not a list", safetensors("st-shape", h -> ((ObjectNode) h.get("model.norm.weight")).put("shape", 64))));
        c.add(new Case("tensors", "safetensors negative dims", safetensors("st-negdims", h -> {
            ArrayNode s = ((ObjectNode) h.get("model.layers.0.self_attn.q_proj.weight")).putArray("shape");
            s.add(-64).add(-64);
        })));
        c.add(new Case("tensors", "safetensors offsets overlapping", safetensors("st-overlap", h -> {
            ((ObjectNode) h.get("model.layers.0.self_attn.k_proj.weight")).set("data_offsets", h.get("model.layers.0.self_attn.v_proj.weight").get("data_offsets").deepCopy());
        })));
        c.add(new Case("tensors", "safetensors dtype I64 for a weight", safetensors("st-i64", h -> ((ObjectNode) h.get("model.norm.weight")).put("dtype", "I64"))));
        // Tokenizers: ids out of the vocabulary, wrong element types, unknown special-token names.
        c.add(new Case("tokenizers", "bos_token_id -1", meta("bosneg", "tokenizer.ggml.bos_token_id", i32(-1))));
        c.add(new Case("tokenizers", "bos_token_id 100000", meta("boshuge", "tokenizer.ggml.bos_token_id", 100_000L)));
        c.add(new Case("tokenizers", "eos_token_id 512 (vocabulary 512)", meta("eos512", "tokenizer.ggml.eos_token_id", 512L)));
        c.add(new Case("tokenizers", "tokens array of integers", meta("tokint", "tokenizer.ggml.tokens", new GgufEdit.Typed(GgufEdit.ARRAY, java.util.Collections.nCopies(512, 7L)))));
        c.add(new Case("tokenizers", "scores shorter than tokens", meta("scores", "tokenizer.ggml.scores", new GgufEdit.Typed(GgufEdit.ARRAY, java.util.Collections.nCopies(100, 0.5)))));
        c.add(new Case("tokenizers", "tokens fewer than the embedding rows", () -> {
            Map<String, Object> m = new LinkedHashMap<>();
            try (org.prune4j.io.GgufFile g = org.prune4j.io.GgufFile.open(GGUF)) {
                for (String k : List.of("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type")) {
                    m.put(k, new GgufEdit.Typed(GgufEdit.ARRAY, ((List<?>) g.metadata().get(k)).subList(0, 500)));
                }
            }
            return load(GgufEdit.rewrite(GGUF, DIR.resolve("tok500.gguf"), m, Set.of()));
        }));
        c.add(new Case("tokenizers", "HF bos_token unknown", hf("hf-bos", "tokenizer_config.json", s -> s.replace("\"bos_token\" : \"\\n<s>\\n\"", "\"bos_token\" : \"<|begin|>\""))));
        c.add(new Case("nesting", "GGUF array nested 20,000 deep", () -> {
            ByteBuffer b = ByteBuffer.allocate(40 + 12 * 20_000 + 16).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0x46554747).putInt(3).putLong(0).putLong(1).putLong(1).put((byte) 'x').putInt(9);
            for (int d = 0; d < 20_000; d++) b.putInt(9).putLong(1);
            b.putInt(4).putLong(0);
            Path p = DIR.resolve("deep.gguf");
            Files.write(p, java.util.Arrays.copyOf(b.array(), b.position()));
            return load(p);
        }));
        c.add(new Case("nesting", "config.json nested 20,000 deep", hf("hf-deep", "config.json",
                x -> x.replace("\"tie_word_embeddings\"", "\"deep\" : " + "[".repeat(20_000) + "]".repeat(20_000) + ", \"tie_word_embeddings\""))));
        c.add(new Case("nesting", "tokenizer.json nested 20,000 deep", hf("hf-tokdeep", "tokenizer.json",
                x -> x.replaceFirst("\"version\"", "\"deep\" : " + "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000) + ", \"version\""))));
        c.add(new Case("tokenizers", "HF added token id 99999", hf("hf-added", "tokenizer.json", s -> s.replaceFirst("\"id\" : 1,", "\"id\" : 99999,"))));
        return c;
    }

    /** Plans edited by hand and options out of range, through the CLI. */
    static List<Case> cliCases() throws Exception {
        List<Case> c = new ArrayList<>();
        String model = TestData.STORIES.toString(), data = TestData.HEAD46.toString();
        CliRunner.Outcome made = CliRunner.run("plan", "--model", model, "--method", "magnitude", "--ratio", "0.2", "--json");
        assertThat(made.exit()).as(made.err()).isZero();
        String good = made.out();
        java.util.function.BiFunction<String, java.util.function.Consumer<ArrayNode>, Callable<Outcome>> planCase = (name, edit) -> () -> {
            ObjectNode root = (ObjectNode) JSON.readTree(good);
            edit.accept((ArrayNode) root.path("plan").path("layers"));
            Path p = DIR.resolve(name + ".json");
            Files.writeString(p, root.toString());
            return cli("prune", "--model", model, "--plan", p.toString(), "--out", DIR.resolve(name + "-out.gguf").toString());
        };
        c.add(new Case("plans", "head index 2^32+7", planCase.apply("plan-wrap", l -> ((ObjectNode) l.get(0)).putArray("keptHeads").add(0).add(4294967303L))));
        c.add(new Case("plans", "channel index past the width", planCase.apply("plan-ch", l -> ((ObjectNode) l.get(0)).putArray("keptChannels").add(0).add(9999))));
        c.add(new Case("plans", "KV group index past the groups", planCase.apply("plan-kv", l -> ((ObjectNode) l.get(1)).putArray("keptKvGroups").add(0).add(7))));
        c.add(new Case("plans", "six layers for a 5-layer model", planCase.apply("plan-layers", l -> l.add(l.get(0).deepCopy()))));
        c.add(new Case("plans", "heads not matching the kept KV groups", planCase.apply("plan-gqa", l -> ((ObjectNode) l.get(2)).putArray("keptHeads").add(0).add(7))));
        c.add(new Case("options", "--protect 99", () -> cli("plan", "--model", model, "--method", "magnitude", "--ratio", "0.2", "--protect", "99", "--json")));
        for (String v : List.of("-5", "1000000000")) {
            c.add(new Case("options", "--seq-len " + v, () -> cli("eval", "--model", model, "--data", data, "--seq-len", v, "--no-progress")));
        }
        for (String v : List.of("-1", "99999999999")) {
            c.add(new Case("options", "--shard-mb " + v, () -> cli("convert", "--model", model, "--to", "hf", "--shard-mb", v,
                    "--out", DIR.resolve("shard" + v.length()).toString())));
        }
        for (String v : List.of("-1", "0", "1000000000")) {
            c.add(new Case("options", "--calib-samples " + v, () -> cli("plan", "--model", model, "--method", "wanda-sp", "--ratio", "0.2",
                    "--calib", data, "--calib-samples", v, "--json")));
        }
        c.add(new Case("resources", "a 16M-token window on a 16M-context model", () -> {
            Path big = GgufEdit.rewrite(GGUF, DIR.resolve("ctx16m.gguf"), Map.of(L + "context_length", (long) (1 << 24)), Set.of());
            return cli("bench", "--model", big.toString(), "--prompt-tokens", "16000000", "--gen-tokens", "1", "--repeats", "1", "--llama-cpp", "off");
        }));
        c.add(new Case("options", "--ratio 1.5", () -> cli("plan", "--model", model, "--method", "magnitude", "--ratio", "1.5", "--json")));
        c.add(new Case("options", "--ratio NaN", () -> cli("plan", "--model", model, "--method", "magnitude", "--ratio", "NaN", "--json")));
        return c;
    }

    record Result(Outcome outcome, String message) {}

    static Result outcome(Callable<Outcome> run, ExecutorService pool) {
        var f = pool.submit(() -> {
            MESSAGE.remove();
            try {
                Outcome o = run.call();
                return new Result(o, MESSAGE.get());
            } catch (Prune4jException e) {
                MESSAGE.set(e.getMessage());
                return new Result(e.getMessage().contains("\n") ? Outcome.TRACE : Outcome.REFUSED, e.getMessage());
            } catch (Error e) {
                return new Result(Outcome.ERROR, String.valueOf(e));
            } catch (Exception e) {
                return new Result(Outcome.TRACE, String.valueOf(e));
            }
        });
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Result(Outcome.HANG, null);
        } catch (Exception e) {
            return new Result(Outcome.TRACE, String.valueOf(e));
        }
    }

    @Test
    void everyHostileInputEndsInOneLine() throws Exception {
        List<Case> all = new ArrayList<>(cases());
        all.addAll(cliCases());
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hostile-case");
            t.setDaemon(true);
            return t;
        });
        Map<String, Map<Outcome, Integer>> table = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        for (Case k : all) {
            Result r = outcome(k.run(), pool);
            Outcome o = r.outcome();
            // A refusal names the file (everything here is written under DIR) or the option.
            if (o == Outcome.REFUSED && (r.message() == null || !(r.message().contains(DIR.toString()) || r.message().contains("--")))) o = Outcome.TRACE;
            table.computeIfAbsent(k.cls(), x -> new java.util.EnumMap<>(Outcome.class)).merge(o, 1, Integer::sum);
            messages.add(k.cls() + " | " + k.name() + " | " + o + " | " + (r.message() == null ? "" : r.message().replace(DIR.toString(), "DIR")));
            if (o != Outcome.REFUSED) failures.add(k.cls() + ": " + k.name() + " -> " + o);
        }
        System.out.println("hostile inputs: " + all.size() + " cases");
        table.forEach((cls, m) -> System.out.println("  " + cls + " " + m));
        messages.forEach(m -> System.out.println("  " + m));
        failures.forEach(f -> System.out.println("  NOT REFUSED " + f));
        assertThat(failures).isEmpty();
    }
}
