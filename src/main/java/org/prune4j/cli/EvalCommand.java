package org.prune4j.cli;

import org.prune4j.engine.Transformer;
import org.prune4j.eval.Corpus;
import org.prune4j.eval.Perplexity;
import org.prune4j.eval.ZeroShot;
import org.prune4j.eval.ZeroShotTask;
import org.prune4j.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Perplexity of a model on a text file (documents or stream protocol) and/or zero-shot accuracy on",
                "lm-evaluation-harness's tasks (log-likelihood of each choice; acc, acc_norm, standard errors)."})
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = "--data", description = "Evaluation text (UTF-8) for perplexity")
    Path data;

    @Option(names = "--tasks", split = ",", description = "Zero-shot tasks (lm-eval names): piqa, hellaswag, winogrande, arc_easy, arc_challenge, boolq, openbookqa, copa, lambada_openai, or all")
    List<String> tasks;

    @Option(names = "--tasks-dir", description = "Folder of the task files (default: the bundled data/zeroshot, the first 200 items of each task)")
    Path tasksDir;

    @Option(names = "--limit", defaultValue = "0", description = "At most N items per task, in file order (0: all; default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--add-bos", description = "Prefix every request with BOS (lm-eval's add_bos_token=True; its default, like this one, adds none)")
    boolean addBos;

    @Option(names = "--protocol", defaultValue = "documents",
            description = "documents: split on <|endoftext|> lines, BOS + each document, truncated to the context; "
                    + "stream: whole text encoded once (BOS once), non-overlapping --seq-len windows (Wanda/FLAP); "
                    + "llm-pruner: the same with 128-token windows (LLM-Pruner's PPLMetric); "
                    + "word: lm-eval's wikitext task, rolling log-likelihood per page, word and byte perplexity (default: ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--rows", defaultValue = "file",
            description = "file: the text as it is; wikitext or ptb: the Hugging Face dataset's rows of the file (WikiText raw lines with "
                    + "their newline, blank lines empty; PTB lines stripped) joined by blank lines, as Wanda/FLAP/LLM-Pruner tokenize them (default: ${DEFAULT-VALUE})")
    String rows;

    @Option(names = "--seq-len", defaultValue = "0", description = "Window (stream) or truncation length (documents); 0 = model context")
    int seqLen;

    @Option(names = "--batch-tokens", defaultValue = "2048", description = "Tokens per forward pass (default: ${DEFAULT-VALUE})")
    int batchTokens;

    @Option(names = "--json", description = "Print one JSON object")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar")
    boolean noProgress;

    @Override
    public Integer call() {
        if (data == null && (tasks == null || tasks.isEmpty())) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give --data (perplexity), --tasks (zero-shot) or both");
        }
        if (limit < 0) throw new org.prune4j.util.Prune4jException("--limit must be 0 (all) or positive, got " + limit);
        if (seqLen < 0) throw new org.prune4j.util.Prune4jException("--seq-len must be 0 (the protocol's default) or positive, got " + seqLen);
        if (batchTokens < 1) throw new org.prune4j.util.Prune4jException("--batch-tokens must be at least 1, got " + batchTokens);
        long t0 = System.nanoTime();
        try (Model model = opts.loadWithTokenizer(); Transformer tf = new Transformer(model, opts.threads)) {
            Map<String, Object> o = new LinkedHashMap<>();
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("model", opts.model.toString());
            cfg.put("tokenizer", opts.tokenizer == null ? null : opts.tokenizer.toString());
            cfg.put("threads", opts.threads);
            cfg.put("batchTokens", batchTokens);
            if (data != null) perplexity(model, tf, o, cfg);
            if (tasks != null && !tasks.isEmpty()) zeroShot(model, tf, o, cfg);
            o.put("seconds", (System.nanoTime() - t0) / 1e9);
            o.put("config", cfg);
            o.put("model", Json.describe(model.config()));
            if (json) Json.print(o);
        }
        return 0;
    }

    private void perplexity(Model model, Transformer tf, Map<String, Object> o, Map<String, Object> cfg) {
        Corpus.Protocol p = CliParsing.protocol(protocol);
        long t0 = System.nanoTime();
        org.prune4j.eval.TextRows tr = org.prune4j.eval.TextRows.of(rows);
        Perplexity.Result r = Perplexity.evaluate(tf, model.tokenizer(), data, p, seqLen, tr, batchTokens, new Progress("eval", !noProgress));
        o.put("tokens", r.tokens());
        o.put("sequences", r.sequenceNll().length);
        o.put("sumNll", r.sumNll());
        o.put("meanNll", r.meanNll());
        o.put("perplexity", r.perplexity());
        if (p == Corpus.Protocol.WORD) {
            o.put("words", r.words());
            o.put("bytes", r.bytes());
            o.put("wordPerplexity", r.wordPerplexity());
            o.put("bytePerplexity", r.bytePerplexity());
            o.put("bitsPerByte", r.bitsPerByte());
        }
        cfg.put("data", data.toString());
        cfg.put("protocol", p.cliName());
        cfg.put("rows", rows);
        cfg.put("seqLen", p.window(seqLen, model.config().contextLength()));
        cfg.put("bos", model.tokenizer().addBos());
        if (!json) {
            System.out.printf("tokens %d  mean NLL %.6f nats/token  perplexity %.4f%s  (%s, %.1f s)%n",
                    r.tokens(), r.meanNll(), r.perplexity(), p == Corpus.Protocol.WORD
                            ? String.format("  word perplexity %.4f  byte perplexity %.4f  bits/byte %.4f", r.wordPerplexity(), r.bytePerplexity(), r.bitsPerByte()) : "",
                    p.cliName(), (System.nanoTime() - t0) / 1e9);
        }
    }

    private void zeroShot(Model model, Transformer tf, Map<String, Object> o, Map<String, Object> cfg) {
        List<ZeroShotTask> chosen = new ArrayList<>();
        for (String t : tasks) {
            if (t.equals("all")) chosen.addAll(List.of(ZeroShotTask.values()));
            else chosen.add(ZeroShotTask.byId(t.strip()));
        }
        Path dir = tasksDir != null ? tasksDir : Path.of(System.getProperty("prune4j.home", ".")).resolve("data/zeroshot");
        List<ZeroShot.TaskResult> rows = new ArrayList<>();
        double sum = 0;
        for (ZeroShotTask t : new LinkedHashSet<>(chosen)) {
            ZeroShot.TaskResult r = ZeroShot.evaluate(tf, model.tokenizer(), t, t.load(dir, limit), addBos, batchTokens,
                    new Progress(t.id, !noProgress));
            rows.add(r);
            sum += r.headline();
            if (!json) {
                System.out.printf("%-15s n=%-5d acc %.4f ± %.4f%s%s%s  (%.1f s)%n", r.task(), r.items(), r.acc(), r.accStderr(),
                        r.accNorm() == null ? "" : String.format("  acc_norm %.4f ± %.4f", r.accNorm(), r.accNormStderr()),
                        r.perplexity() == null ? "" : String.format("  perplexity %.3f", r.perplexity()),
                        r.truncated() == 0 ? "" : "  (" + r.truncated() + " requests cut from the left)", r.seconds());
            }
        }
        double avg = sum / rows.size();
        o.put("tasks", rows);
        o.put("average", avg);
        cfg.put("tasksDir", dir.toString());
        cfg.put("limit", limit);
        cfg.put("addBos", addBos);
        cfg.put("averageOf", "acc_norm where the task has it, else acc");
        if (!json) System.out.printf("average %.4f (acc_norm where present, else acc)%n", avg);
    }
}
