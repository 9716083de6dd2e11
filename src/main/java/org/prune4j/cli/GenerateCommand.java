package org.prune4j.cli;

import org.prune4j.engine.Transformer;
import org.prune4j.eval.Generator;
import org.prune4j.model.Model;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.Prune4jException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate text (greedy at temperature 0).")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = "--prompt", defaultValue = "", description = "Prompt text; empty starts from BOS")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Tokens to generate (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "Print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        if (maxTokens < 1) throw new Prune4jException("--max-tokens must be at least 1, got " + maxTokens);
        if (temperature < 0 || Float.isNaN(temperature)) throw new Prune4jException("--temperature must be >= 0, got " + temperature);
        try (Model model = opts.loadWithTokenizer(); Transformer tf = new Transformer(model, opts.threads)) {
            Tokenizer tok = model.tokenizer();
            int[] text = tok.encode(prompt);
            boolean bos = tok.addBos() || text.length == 0;
            if (bos && tok.bos() < 0) throw new Prune4jException("empty prompt but the tokenizer has no BOS token; give --prompt");
            int[] ids = new int[text.length + (bos ? 1 : 0)];
            if (bos) ids[0] = tok.bos();
            System.arraycopy(text, 0, ids, bos ? 1 : 0, text.length);
            long t0 = System.nanoTime();
            int[] out = Generator.generate(tf, ids, maxTokens, temperature, seed, tok.eos(), t -> {});
            double secs = (System.nanoTime() - t0) / 1e9;
            String decoded = tok.decode(out, prompt.isEmpty() && bos);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("tokens", out);
                o.put("text", decoded);
                o.put("promptTokens", ids);
                o.put("seconds", secs);
                Map<String, Object> cfg = new LinkedHashMap<>();
                cfg.put("model", opts.model.toString());
                cfg.put("prompt", prompt);
                cfg.put("maxTokens", maxTokens);
                cfg.put("temperature", temperature);
                cfg.put("seed", seed);
                cfg.put("threads", opts.threads);
                o.put("config", cfg);
                Json.print(o);
            } else {
                System.out.println(prompt + decoded);
                System.err.printf("%d tokens in %.2f s (%.1f tok/s): %s%n", out.length, secs, out.length / secs,
                        Arrays.toString(Arrays.copyOf(out, Math.min(out.length, 8))).replace("]", out.length > 8 ? ", ...]" : "]"));
            }
        }
        return 0;
    }
}
