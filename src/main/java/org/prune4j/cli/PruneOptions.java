package org.prune4j.cli;

import org.prune4j.alloc.Constraints;
import org.prune4j.alloc.Target;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.eval.Corpus;
import org.prune4j.plan.PlanJson;
import org.prune4j.prune.PruneRequest;
import org.prune4j.util.Prune4jException;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/** Options shared by {@code prune} and {@code plan}; the CLI's only job is to turn them into a {@link PruneRequest}. */
public final class PruneOptions {
    @Option(names = "--method", defaultValue = "magnitude", description = "A registered method: one of 'prune4j methods' (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--ratio", description = "Fraction to remove, in (0, 1): of all parameters, or of attention+MLP weights with --ratio-basis flap")
    Double ratio;

    @Option(names = "--ratio-basis", defaultValue = "total", description = "total: at least the ratio of all parameters (prune4j's rule); flap: FLAP's own stopping rule over attention+MLP weights, flap allocation only (default: ${DEFAULT-VALUE})")
    String ratioBasis;

    @Option(names = "--plan", description = "Apply this saved plan (JSON from plan/prune --json) instead of scoring and allocating")
    Path plan;

    @Option(names = "--allocation", description = "A registered allocation (listed by 'prune4j methods'; default: the method's own)")
    String allocation;

    @Option(names = "--calibration", defaultValue = "dense", description = "dense: statistics of the unpruned model; sequential: layer by layer from a model whose earlier layers are already pruned, as FLAP's Wanda-SP baseline (uniform allocation) (default: ${DEFAULT-VALUE})")
    String calibrationMode;

    @Option(names = "--bias-compensation", negatable = true, description = "Fold removed inputs' means into o/down biases (default: on for flap)")
    Boolean biasCompensation;

    @Option(names = "--calib", description = "Calibration text: plain (optionally <|endoftext|>-separated), jsonl with a text field, or HF parquet with a text column")
    Path calib;

    @Option(names = "--calib-samples", description = "Calibration sequences (default: the method's own, listed by 'prune4j methods': 10 for taylor and mini-llm as LLM-Pruner, 128 for transfer-entropy, 64 otherwise)")
    Integer calibSamples;

    @Option(names = "--calib-len", defaultValue = "128", description = "Tokens per calibration sequence (default: ${DEFAULT-VALUE})")
    int calibLen;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of sampling and of the random criterion (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--protect", split = ",", description = "Layers never pruned, e.g. 0,1")
    List<Integer> protect = List.of();

    @Option(names = "--min-heads", defaultValue = "1", description = "Query heads each pruned layer keeps at least (default: ${DEFAULT-VALUE})")
    int minHeads;

    @Option(names = "--min-channels", defaultValue = "1", description = "MLP channels each pruned layer keeps at least (default: ${DEFAULT-VALUE})")
    int minChannels;

    @Option(names = "--layer-range", description = "Layers to score and prune, A:B (A <= l < B) or all (default: the method's own; taylor and mini-llm: LLM-Pruner's 4..29 of 32, scaled; functional-networks: all but the first ceil(3L/32) and last ceil(2L/32), the authors' 3 and 2 of 32)")
    String layerRange;

    @Option(names = "--figures", description = "Write the method's figures (transfer-entropy: the TE matrix heat map, the per-module importances and ratios) as PNG files and an index.html into this folder")
    java.nio.file.Path figures;

    @Option(names = "--save-scores", description = "Save the method's scores to this JSON file, to allocate them again at other ratios with --scores (replaces a scores file)")
    Path saveScores;

    @Option(names = "--scores", description = "Allocate these saved scores (from --save-scores, same method and model) instead of scoring again")
    Path scores;

    /** The command this mixin belongs to: the methods' own flags are added to it from the catalogue ({@link MethodFlags}). */
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = "--channel-multiple", defaultValue = "1", description = "Round kept MLP widths down to a multiple of this (default: ${DEFAULT-VALUE})")
    int channelMultiple;

    PruneRequest request(PruneRequest.Evaluation eval, int threads) {
        if (ratio == null && plan == null) throw new Prune4jException("give --ratio (or --plan)");
        if (ratio != null && plan != null) throw new Prune4jException("--ratio does not apply with --plan: the saved plan fixes what every layer keeps");
        if (ratio != null && !(ratio > 0 && ratio < 1)) throw new Prune4jException("--ratio must be in (0, 1), got " + ratio);
        int samples = calibSamples != null ? calibSamples
                : plan != null ? 64 : org.prune4j.criteria.Criteria.get(method).defaultCalibrationSamples();
        if (samples < 1 || calibLen < 2) throw new Prune4jException("--calib-samples must be >= 1 and --calib-len >= 2");
        if (threads < 1) throw new Prune4jException("--threads must be at least 1, got " + threads);
        Target.Basis basis = switch (ratioBasis) {
            case "total" -> Target.Basis.TOTAL_PARAMETERS;
            case "flap" -> Target.Basis.FLAP_ATTN_MLP;
            default -> throw new Prune4jException("--ratio-basis must be total or flap, got '" + ratioBasis + "'");
        };
        PruneRequest.CalibrationMode mode = switch (calibrationMode) {
            case "dense" -> PruneRequest.CalibrationMode.DENSE;
            case "sequential" -> PruneRequest.CalibrationMode.SEQUENTIAL;
            default -> throw new Prune4jException("--calibration must be dense or sequential, got '" + calibrationMode + "'");
        };
        if (minHeads < 1 || minChannels < 1 || channelMultiple < 1) {
            throw new Prune4jException("--min-heads, --min-channels and --channel-multiple must be at least 1");
        }
        java.util.Map<String, String> options = new java.util.TreeMap<>(MethodFlags.given(command, MethodFlags.catalogued()));
        if (layerRange != null) options.put(MethodOptions.LAYER_RANGE, layerRange);
        PruneRequest.Method m = new PruneRequest.Method(method, ratio == null ? null : new Target(ratio, basis), allocation,
                new Constraints(new HashSet<>(protect), minHeads, minChannels, channelMultiple), biasCompensation, mode,
                new MethodOptions(options));
        PruneRequest.Calibration c = calib == null ? null : new PruneRequest.Calibration(calib, samples, calibLen);
        return new PruneRequest(m, c, eval, PruneRequest.Runtime.threads(threads), seed, plan == null ? null : PlanJson.read(plan));
    }

    static PruneRequest.Evaluation evaluation(Path eval, String protocol, int seqLen, boolean allowOverlap) {
        if (eval == null) return null;
        if (seqLen < 0) throw new Prune4jException("--seq-len must be 0 (model context) or positive, got " + seqLen);
        Corpus.Protocol p = CliParsing.protocol(protocol);
        return new PruneRequest.Evaluation(eval, p, seqLen, allowOverlap);
    }

    /**
     * Writes the method's figures when {@code --figures} was given. The pruning result is never lost to them: a
     * machine without fonts gets a one-line warning instead.
     */
    void writeFigures(org.prune4j.prune.Pruner.Result res, org.prune4j.model.ModelConfig dense, String model) {
        if (figures == null) return;
        org.prune4j.criteria.Criterion c = org.prune4j.criteria.Criteria.get(res.resolved().criterion());
        var run = new org.prune4j.criteria.Criterion.Figures(res.methodDetails(), dense, res.plan(), res.resolved().options(),
                res.resolved().constraints().protectedLayers(), String.format("%s, %s, ratio %s", model, res.resolved().criterion(), ratio));
        try {
            if (!c.writeFigures(run, figures)) System.err.println("prune4j: warning: --figures: the method " + c.name() + " has no figures");
        } catch (java.io.IOException | RuntimeException | Error e) {
            System.err.println("prune4j: warning: figures not written to " + figures + " (" + e + ")");
        }
    }

    /** The scores of {@code --scores}, checked against the model, or null. */
    org.prune4j.criteria.Scores savedScores(org.prune4j.model.ModelConfig c) {
        if (scores == null) return null;
        if (plan != null) throw new Prune4jException("--scores does not apply with --plan: the saved plan fixes what every layer keeps");
        return org.prune4j.prune.ScoresFile.read(scores, c);
    }

    /** Writes {@code --save-scores} when given (a run that had no scores of its own says so). */
    void saveScores(org.prune4j.prune.Pruner.Result res, org.prune4j.model.ModelConfig c) {
        if (saveScores == null) return;
        if (res.scores() == null) throw new Prune4jException("--save-scores: this run allocated no scores (a saved plan or sequential calibration)");
        org.prune4j.prune.ScoresFile.write(saveScores, res.scores(), c, true);
    }

    /** A --protect or --plan that does not fit the model is refused, naming the option or plan file, before any work. */
    void requireFits(PruneRequest r, org.prune4j.model.ModelConfig c) {
        for (int l : protect) {
            if (l < 0 || l >= c.layerCount()) throw new Prune4jException("--protect names layer " + l + "; the model has layers 0.." + (c.layerCount() - 1));
        }
        if (r.fixedPlan() == null) return;
        try {
            r.fixedPlan().validate(c);
        } catch (Prune4jException e) {
            throw Prune4jException.inFile(plan, e.getMessage());
        }
    }
}
