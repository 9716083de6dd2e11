package org.prune4j.criteria;

import org.prune4j.calib.ActivationStats;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;

/**
 * A criterion that can score one layer from that layer's statistics alone: what sequential (layer-by-layer)
 * calibration needs, where layer l is scored and cut before layer l+1's statistics exist.
 */
public interface LayerwiseCriterion extends Criterion {
    /** Fills one layer's head and channel scores from its weights and its activation moments. */
    void scoreLayer(int layer, LayerShape shape, LayerWeights weights, ActivationStats stats, double[] heads, double[] channels);
}
