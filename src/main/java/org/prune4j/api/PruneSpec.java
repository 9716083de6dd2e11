package org.prune4j.api;

import org.prune4j.alloc.Constraints;
import org.prune4j.alloc.Target;
import org.prune4j.criteria.MethodOption;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.prune.PruneRequest;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What to prune and how, built step by step with no positional nulls:
 * {@code PruneSpec.method("mini-llm").ratio(0.2).option(MiniLlmCriterion.SAMPLES, 16).calibration(Calibration.file(path, 10, 128))}.
 * Everything not set takes the method's published default, as on the command line.
 */
public final class PruneSpec {
    private final String method;
    private Double ratio;
    private Target.Basis basis = Target.Basis.TOTAL_PARAMETERS;
    private String allocation;
    private Boolean biasCompensation;
    private PruneRequest.CalibrationMode mode = PruneRequest.CalibrationMode.DENSE;
    private final Map<String, String> options = new TreeMap<>();
    private PruneRequest.Calibration calibration;
    private PruneRequest.Evaluation evaluation;
    private Set<Integer> protect = Set.of();
    private int minHeads = 1, minChannels = 1, channelMultiple = 1;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private long seed;

    private PruneSpec(String method) {
        if (method == null || method.isBlank()) throw new Prune4jException("no pruning method given");
        this.method = method;
    }

    /** A registered method by name or alias ({@code prune4j methods} lists them). */
    public static PruneSpec method(String name) {
        return new PruneSpec(name);
    }

    /** The fraction of all parameters to remove, in (0, 1). */
    public PruneSpec ratio(double ratio) {
        if (!(ratio > 0 && ratio < 1)) throw new Prune4jException("the ratio must be in (0, 1), got " + ratio);
        this.ratio = ratio;
        return this;
    }

    /** Count the ratio as FLAP does (attention and MLP weights only) instead of over all parameters. */
    public PruneSpec flapRatioBasis() {
        this.basis = Target.Basis.FLAP_ATTN_MLP;
        return this;
    }

    /** A registered allocation instead of the method's own. */
    public PruneSpec allocation(String name) {
        this.allocation = name;
        return this;
    }

    public PruneSpec biasCompensation(boolean on) {
        this.biasCompensation = on;
        return this;
    }

    /** Statistics layer by layer from the progressively pruned model (FLAP's Wanda-SP baseline). */
    public PruneSpec sequentialCalibration() {
        this.mode = PruneRequest.CalibrationMode.SEQUENTIAL;
        return this;
    }

    /** One of the method's (or its allocation's) declared options, typed; checked when the run starts. */
    public <T> PruneSpec option(MethodOption<T> option, T value) {
        String text = value instanceof Enum<?> e ? MethodOption.typed(e) : String.valueOf(value);
        option.parse().apply(text); // a bad value fails here, in one line
        options.put(option.name(), text);
        return this;
    }

    /** An option by its flag name, as text (as the CLI passes it). */
    public PruneSpec option(String name, String value) {
        options.put(name, value);
        return this;
    }

    /** Layers to score and prune, [from, to). */
    public PruneSpec layerRange(int from, int to) {
        options.put(MethodOptions.LAYER_RANGE, from + ":" + to);
        return this;
    }

    public PruneSpec calibration(PruneRequest.Calibration calibration) {
        this.calibration = calibration;
        return this;
    }

    /** Perplexity before and after on this text under the protocol (window 0: the protocol's default). */
    public PruneSpec evaluate(Path text, org.prune4j.eval.Corpus.Protocol protocol, int window) {
        this.evaluation = new PruneRequest.Evaluation(text, protocol, window, false);
        return this;
    }

    public PruneSpec protect(Integer... layers) {
        this.protect = Set.of(layers);
        return this;
    }

    public PruneSpec minimums(int heads, int channels, int channelMultiple) {
        this.minHeads = heads;
        this.minChannels = channels;
        this.channelMultiple = channelMultiple;
        return this;
    }

    public PruneSpec threads(int threads) {
        this.threads = threads;
        return this;
    }

    public PruneSpec seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The request the pipeline runs (and the report records). */
    public PruneRequest request() {
        if (ratio == null) throw new Prune4jException("give the ratio to remove (PruneSpec.ratio)");
        PruneRequest.Method m = new PruneRequest.Method(method, new Target(ratio, basis), allocation,
                new Constraints(protect, minHeads, minChannels, channelMultiple), biasCompensation, mode, new MethodOptions(options));
        return new PruneRequest(m, calibration, evaluation, PruneRequest.Runtime.threads(threads), seed, null);
    }

    /** Calibration windows of a text file, or in memory: {@code Calibration.file(path, 64, 128)}, {@code Calibration.windows(list)}. */
    public static PruneRequest.Calibration calibrationFile(Path file, int samples, int length) {
        return PruneRequest.Calibration.file(file, samples, length);
    }

    /** The caller's token windows, each one calibration sequence. */
    public static PruneRequest.Calibration calibrationWindows(List<int[]> windows) {
        return PruneRequest.Calibration.windows(windows);
    }
}
