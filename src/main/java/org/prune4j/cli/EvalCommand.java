package org.prune4j.cli;

import org.prune4j.engine.Transformer;
import org.prune4j.eval.Corpus;
import org.prune4j.eval.Perplexity;
import org.prune4j.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Perplexity of a model on a text file (documents or stream protocol).")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = "--data", required = true, description = "Evaluation text (UTF-8)")
    Path data;

    @Option(names = "--protocol", defaultValue = "documents",
            description = "documents: split on <|endoftext|> lines, BOS + each document, truncated to the context; "
                    + "stream: whole file encoded once, non-overlapping --seq-len windows (default: ${DEFAULT-VALUE})")
    String protocol;

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
        Corpus.Protocol p = CliParsing.protocol(protocol);
        long t0 = System.nanoTime();
        try (Model model = opts.loadWithTokenizer(); Transformer tf = new Transformer(model, opts.threads)) {
            Perplexity.Result r = Perplexity.evaluate(tf, model.tokenizer(), data, p, seqLen, batchTokens,
                    new Progress("eval", !noProgress));
            double secs = (System.nanoTime() - t0) / 1e9;
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("tokens", r.tokens());
                o.put("sequences", r.sequenceNll().length);
                o.put("sumNll", r.sumNll());
                o.put("meanNll", r.meanNll());
                o.put("perplexity", r.perplexity());
                o.put("seconds", secs);
                Map<String, Object> cfg = new LinkedHashMap<>();
                cfg.put("model", opts.model.toString());
                cfg.put("tokenizer", opts.tokenizer == null ? null : opts.tokenizer.toString());
                cfg.put("data", data.toString());
                cfg.put("protocol", p.name().toLowerCase());
                cfg.put("seqLen", seqLen > 0 ? seqLen : model.config().contextLength());
                cfg.put("bos", model.tokenizer().addBos());
                cfg.put("threads", opts.threads);
                cfg.put("batchTokens", batchTokens);
                o.put("config", cfg);
                o.put("model", Json.describe(model.config()));
                Json.print(o);
            } else {
                System.out.printf("tokens %d  mean NLL %.6f nats/token  perplexity %.4f  (%s, %.1f s)%n",
                        r.tokens(), r.meanNll(), r.perplexity(), p.name().toLowerCase(), secs);
            }
        }
        return 0;
    }
}
