package org.prune4j.prune;

import org.prune4j.alloc.Allocation;
import org.prune4j.alloc.Constraints;
import org.prune4j.criteria.Criterion;
import org.prune4j.eval.Corpus;

import java.nio.file.Path;

/**
 * Everything a pruning run depends on: recorded verbatim in its report so it can be repeated.
 *
 * @param allocation       null picks the method's own (flap → flap, block-influence → depth, others → uniform)
 * @param biasCompensation null picks the method's own (on for flap only)
 * @param eval             null skips the before/after perplexity
 * @param fixedPlan        a saved plan to apply as it is (no scoring or allocation); null to compute one
 */
public record PruneRequest(Criterion method, double ratio, Allocation allocation, Constraints constraints,
                           Boolean biasCompensation, Path calib, int calibSamples, int calibLen, long seed,
                           Path eval, Corpus.Protocol protocol, int evalSeqLen, boolean allowOverlap, int threads,
                           org.prune4j.plan.PruningPlan fixedPlan) {

    public Allocation effectiveAllocation() {
        if (allocation != null) return allocation;
        return switch (method) {
            case FLAP -> Allocation.FLAP;
            case BLOCK_INFLUENCE -> Allocation.DEPTH;
            default -> Allocation.UNIFORM;
        };
    }

    public boolean effectiveBiasCompensation() {
        return biasCompensation != null ? biasCompensation : method == Criterion.FLAP;
    }

    public boolean needsCalibration() {
        if (fixedPlan != null) return fixedPlan.biasCompensation();
        return method.needsCalibration || effectiveBiasCompensation();
    }
}
