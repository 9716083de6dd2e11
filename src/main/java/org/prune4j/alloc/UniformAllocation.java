package org.prune4j.alloc;

import org.prune4j.criteria.Scores;
import org.prune4j.model.ModelConfig;

/** Every layer loses the same fraction of its heads and of its channels (LLM-Pruner's and Wanda-SP's setting). */
public final class UniformAllocation extends KnobAllocation {
    @Override public String name() { return "uniform"; }
    @Override public String summary() { return "every layer loses the same fraction of heads and of channels"; }

    @Override
    protected Counts counts(ModelConfig c, Scores s, double x, Constraints k) {
        Counts out = Counts.of(c.layerCount());
        for (int l = 0; l < c.layerCount(); l++) {
            out.keepHeads()[l] = (int) Math.round(c.layer(l).heads() * (1 - x));
            out.keepChannels()[l] = (int) Math.round(c.layer(l).ffnDim() * (1 - x));
        }
        return out;
    }
}
