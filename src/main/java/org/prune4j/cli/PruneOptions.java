package org.prune4j.cli;

import org.prune4j.alloc.Allocation;
import org.prune4j.alloc.Constraints;
import org.prune4j.criteria.Criterion;
import org.prune4j.prune.PruneRequest;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/** Options shared by {@code prune} and {@code plan}. */
public final class PruneOptions {
    @Option(names = "--method", defaultValue = "magnitude", description = "random, magnitude, wanda-sp, flap, block-influence (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--ratio", description = "Fraction of all parameters to remove, in (0, 1)")
    Double ratio;

    @Option(names = "--plan", description = "Apply this saved plan (JSON from plan/prune --json) instead of scoring and allocating")
    Path plan;

    @Option(names = "--allocation", description = "uniform, global, flap or depth (default: the method's own)")
    String allocation;

    @Option(names = "--bias-compensation", negatable = true, description = "Fold removed inputs' means into o/down biases (default: on for flap)")
    Boolean biasCompensation;

    @Option(names = "--calib", description = "Calibration text: plain (optionally <|endoftext|>-separated), jsonl with a text field, or HF parquet with a text column")
    Path calib;

    @Option(names = "--calib-samples", defaultValue = "64", description = "Calibration sequences (default: ${DEFAULT-VALUE})")
    int calibSamples;

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

    @Option(names = "--channel-multiple", defaultValue = "1", description = "Round kept MLP widths down to a multiple of this (default: ${DEFAULT-VALUE})")
    int channelMultiple;

    PruneRequest request(Path eval, String protocol, int evalSeqLen, boolean allowOverlap, int threads) {
        if (ratio == null && plan == null) throw new org.prune4j.util.Prune4jException("give --ratio (or --plan)");
        return new PruneRequest(Criterion.parse(method), ratio == null ? 0.5 : ratio, allocation == null ? null : Allocation.parse(allocation),
                new Constraints(new HashSet<>(protect), minHeads, minChannels, channelMultiple), biasCompensation,
                calib, calibSamples, calibLen, seed, eval, CliParsing.protocol(protocol), evalSeqLen, allowOverlap, threads,
                plan == null ? null : org.prune4j.plan.PlanJson.read(plan));
    }
}
