package org.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.prune4j.bench.Benchmark;
import org.prune4j.bench.LlamaCppRunner;
import org.prune4j.bench.MachineInfo;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.util.Prune4jException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Prefill and decode speed, GEMM efficiency and memory of prune4j, beside llama.cpp on the same GGUF.")
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = "--prompt-tokens", defaultValue = "256", description = "Prefill length (default: ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--gen-tokens", defaultValue = "64", description = "Decoded tokens (default: ${DEFAULT-VALUE})")
    int genTokens;

    @Option(names = "--repeats", defaultValue = "2", description = "Measured runs after one warm-up; best is kept (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--llama-cpp", defaultValue = "auto", description = "auto: also run llama.cpp when the model is GGUF and the oracle is installed; off")
    String llamaCpp;

    @Option(names = "--json", description = "Print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (promptTokens < 1 || genTokens < 1 || repeats < 1) throw new Prune4jException("--prompt-tokens, --gen-tokens and --repeats must be positive");
        Map<String, Object> o = new LinkedHashMap<>();
        long fileBytes = Files.isDirectory(opts.model) ? dirSize(opts.model) : Files.size(opts.model);
        try (Model model = opts.load(); Transformer tf = new Transformer(model, opts.threads)) {
            long rssLoaded = MachineInfo.currentRss();
            Benchmark.Result r = Benchmark.run(tf, promptTokens, genTokens, repeats);
            double gemm = Benchmark.gemmGflops(256, 1536, 576, tf.parallel());
            double peak = MachineInfo.peakGflops(opts.threads);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("prefillTokPerSec", r.prefillTokPerSec());
            p.put("decodeTokPerSec", r.decodeTokPerSec());
            p.put("prefillEffectiveGflops", r.prefillGflops());
            p.put("gemmGflops_256x1536x576", gemm);
            p.put("fp32PeakGflops", peak);
            p.put("gemmFractionOfPeak", gemm / peak);
            p.put("rssAfterLoadBytes", rssLoaded);
            p.put("peakRssBytes", MachineInfo.peakRss());
            p.put("modelFileBytes", fileBytes);
            p.put("peakRssOverFileSize", (double) MachineInfo.peakRss() / fileBytes);
            o.put("prune4j", p);
            o.put("model", Json.describe(model.config()));
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("model", opts.model.toString());
        cfg.put("threads", opts.threads);
        cfg.put("promptTokens", promptTokens);
        cfg.put("genTokens", genTokens);
        cfg.put("repeats", repeats);
        cfg.put("clockGhz", MachineInfo.clockGhz());
        cfg.put("flopsPerCyclePerCore", MachineInfo.flopsPerCycle());
        o.put("config", cfg);
        if (!llamaCpp.equals("off")) {
            String why = LlamaCppRunner.unavailableReason(opts.model);
            if (why == null) {
                JsonNode l = LlamaCppRunner.bench(opts.model, promptTokens, genTokens, opts.threads, repeats);
                Map<String, Object> lm = new ObjectMapper().convertValue(l, Map.class);
                o.put("llamaCpp", lm);
                @SuppressWarnings("unchecked") Map<String, Object> p = (Map<String, Object>) o.get("prune4j");
                Map<String, Object> ratio = new LinkedHashMap<>();
                ratio.put("prefill", (double) p.get("prefillTokPerSec") / l.path("prefillTokPerSec").asDouble());
                ratio.put("decode", (double) p.get("decodeTokPerSec") / l.path("decodeTokPerSec").asDouble());
                o.put("prune4jOverLlamaCpp", ratio);
            } else {
                o.put("llamaCpp", Map.of("skipped", why));
            }
        }
        if (json) {
            Json.print(o);
        } else {
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(o));
        }
        return 0;
    }

    private static long dirSize(java.nio.file.Path p) throws java.io.IOException {
        try (var s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
