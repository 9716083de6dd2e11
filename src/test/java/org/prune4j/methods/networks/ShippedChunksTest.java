package org.prune4j.methods.networks;

import org.prune4j.methods.networks.FunctionalNetworks;
import org.prune4j.methods.networks.IcaChunks;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.util.ProgressListener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ICA-chunk seam without a cluster: chunks computed last first on fresh engines, their results shipped through
 * Java serialization (as Spark does), give the same functional networks as one machine, bit for bit.
 */
class ShippedChunksTest {
    @Test
    void shippedChunksGiveTheSameNetworks() throws Exception {
        var opts = new java.util.HashMap<>(FunctionalNetworksTest.SMALL);
        opts.put("chunks", "3");
        var settings = TestData.shipped(org.prune4j.methods.networks.FunctionalNetworksCriterion.settings(new MethodOptions(opts)));
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 2)) {
            var docs = org.prune4j.calib.CalibrationSet.readDocuments(TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt"));
            FunctionalNetworks here = FunctionalNetworks.compute(m, tf, docs, settings, new int[]{1, 4}, 5, ProgressListener.NONE);
            int[] shippedChunks = {0};
            IcaChunks.useExecutor((model, chunks, s, range, seed) -> {
                IcaChunks.Result[] out = new IcaChunks.Result[chunks.size()];
                try (Transformer other = new Transformer(model, 1)) {
                    for (int r = chunks.size() - 1; r >= 0; r--) {
                        out[r] = TestData.shipped(IcaChunks.compute(other, new ArrayList<>(chunks.get(r)), TestData.shipped(s), range.clone(), seed, r, d -> {}));
                        shippedChunks[0]++;
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return Arrays.asList(out);
            });
            FunctionalNetworks shipped;
            try {
                shipped = FunctionalNetworks.compute(m, tf, docs, settings, new int[]{1, 4}, 5, ProgressListener.NONE);
            } finally {
                IcaChunks.useExecutor(null);
            }
            assertThat(shippedChunks[0]).isGreaterThan(1);
            for (int l = 1; l < 4; l++) assertThat(shipped.saliency()[l]).as("layer " + l).containsExactly(here.saliency()[l]);
            assertThat(shipped.log().tokensPerChunk()).isEqualTo(here.log().tokensPerChunk());
        }
    }
}
