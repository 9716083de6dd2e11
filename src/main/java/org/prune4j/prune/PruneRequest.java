package org.prune4j.prune;

import org.prune4j.alloc.Constraints;
import org.prune4j.alloc.Target;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.eval.Corpus;
import org.prune4j.plan.PruningPlan;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a pruning run depends on, recorded verbatim in its report so it can be repeated.
 *
 * @param method      what to score and how to allocate (ignored when {@code fixedPlan} is given)
 * @param calibration calibration text and sampling, or null for a data-free run
 * @param evaluation  perplexity before and after, or null to skip it
 * @param runtime     threads and pass size
 * @param seed        seed of calibration sampling and of random criteria
 * @param fixedPlan   a saved plan to apply as it is (no scoring or allocation); null to compute one
 */
public record PruneRequest(Method method, Calibration calibration, Evaluation evaluation, Runtime runtime, long seed,
                           PruningPlan fixedPlan) {

    /**
     * @param criterion        a registered criterion name ({@link org.prune4j.criteria.Criteria})
     * @param target           how much to remove; null only with a saved plan, which fixes what is kept
     * @param allocation       a registered allocation name, or null for the criterion's own
     * @param biasCompensation null for the criterion's own
     * @param mode             dense: all statistics from the unpruned model; sequential: layer by layer from a model
     *                         whose earlier layers are already pruned (FLAP's Wanda-SP baseline)
     * @param options          method-specific settings (zeroth-order probes, Taylor variant, layer range)
     */
    public record Method(String criterion, Target target, String allocation, Constraints constraints, Boolean biasCompensation,
                         CalibrationMode mode, MethodOptions options) {
        public Method {
            if (criterion == null) throw new Prune4jException("no pruning method given");
            if (constraints == null) constraints = Constraints.defaults();
            if (mode == null) mode = CalibrationMode.DENSE;
            if (options == null) options = MethodOptions.NONE;
        }

        public Method(String criterion, Target target, String allocation, Constraints constraints, Boolean biasCompensation,
                      CalibrationMode mode) {
            this(criterion, target, allocation, constraints, biasCompensation, mode, MethodOptions.NONE);
        }

        public Method withConstraints(Constraints k) {
            return new Method(criterion, target, allocation, k, biasCompensation, mode, options);
        }

        public Method withTarget(Target t) {
            return new Method(criterion, t, allocation, constraints, biasCompensation, mode, options);
        }

        public static Method of(String criterion, double ratio) {
            return new Method(criterion, Target.total(ratio), null, Constraints.defaults(), null, CalibrationMode.DENSE);
        }
    }

    /** Where layer statistics come from. */
    public enum CalibrationMode { DENSE, SEQUENTIAL }

    /**
     * {@code samples} windows of {@code length} tokens drawn from {@code file} at offsets from the run's seed, or the
     * caller's own token windows held in memory ({@code windows}, file null: samples and length describe them).
     */
    public record Calibration(Path file, int samples, int length, List<int[]> windows) {
        public Calibration {
            if (windows != null) {
                if (windows.isEmpty()) throw new Prune4jException("calibration needs at least 1 window");
                windows = List.copyOf(windows);
                samples = windows.size();
                length = windows.stream().mapToInt(w -> w.length).max().orElse(0);
                if (windows.stream().anyMatch(w -> w.length < 2)) throw new Prune4jException("every calibration window needs at least 2 tokens");
            } else if (file == null) {
                throw new Prune4jException("calibration needs a text file");
            }
            if (samples < 1 || length < 2) throw new Prune4jException("calibration needs at least 1 sample of at least 2 tokens, got " + samples + " × " + length);
        }

        public Calibration(Path file, int samples, int length) {
            this(file, samples, length, null);
        }

        /** {@code samples} windows of {@code length} tokens from a text file (plain, jsonl or parquet). */
        public static Calibration file(Path file, int samples, int length) {
            return new Calibration(file, samples, length, null);
        }

        /** The caller's own token windows, used as they are (no sampling; each window is one calibration sequence). */
        public static Calibration windows(List<int[]> windows) {
            return new Calibration(null, 0, 0, windows);
        }
    }

    /**
     * @param seqLen       window (stream) or truncation (documents) length; 0 = the model's context
     * @param allowOverlap allow evaluation documents that also appear in the calibration text
     */
    public record Evaluation(Path file, Corpus.Protocol protocol, int seqLen, boolean allowOverlap) {}

    /** @param passTokens rows per calibration pass (bounds activation buffers) */
    public record Runtime(int threads, int passTokens) {
        public Runtime {
            if (threads < 1) throw new Prune4jException("the thread count must be at least 1, got " + threads);
            if (passTokens < 1) throw new Prune4jException("the calibration pass size must be at least 1 token, got " + passTokens);
        }

        public static Runtime threads(int threads) {
            return new Runtime(threads, org.prune4j.calib.CalibrationRunner.DEFAULT_PASS_TOKENS);
        }
    }
}
