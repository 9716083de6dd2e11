package org.prune4j.plan;

import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;

/**
 * A per-layer description of what survives pruning: the serialisable hand-off between criterion × allocation
 * and surgery. Layers that keep nothing are dropped from the pruned model; the rest keep their original order.
 *
 * @param biasCompensation fold the mean of removed o_proj/down_proj inputs into an output bias (FLAP)
 */
public record PruningPlan(List<LayerPlan> layers, boolean biasCompensation) implements java.io.Serializable {

    public PruningPlan {
        layers = List.copyOf(layers);
    }

    public static PruningPlan keepAll(ModelConfig c) {
        List<LayerPlan> l = new ArrayList<>();
        for (LayerShape s : c.layers()) l.add(LayerPlan.keepAll(s.heads(), s.kvHeads(), s.ffnDim()));
        return new PruningPlan(l, false);
    }

    /**
     * Checks the plan against the model: indices in range, every kept head's KV group kept, every kept KV group
     * read by a kept head (GQA coupling). Throws a one-line error naming the layer.
     */
    public void validate(ModelConfig c) {
        if (layers.size() != c.layerCount()) {
            throw new Prune4jException("plan has " + layers.size() + " layers but the model has " + c.layerCount());
        }
        for (int l = 0; l < layers.size(); l++) {
            LayerShape s = c.layer(l);
            LayerPlan p = layers.get(l);
            String at = "plan layer " + l + ": ";
            for (int h : p.keptHeads()) if (h >= s.heads()) throw new Prune4jException(at + "head " + h + " does not exist (" + s.heads() + " heads)");
            for (int g : p.keptKvGroups()) if (g >= s.kvHeads()) throw new Prune4jException(at + "KV group " + g + " does not exist (" + s.kvHeads() + " groups)");
            for (int ch : p.keptChannels()) if (ch >= s.ffnDim()) throw new Prune4jException(at + "channel " + ch + " does not exist (" + s.ffnDim() + " channels)");
            boolean[] groupRead = new boolean[Math.max(1, s.kvHeads())];
            for (int h : p.keptHeads()) {
                int g = h / s.groupSize();
                if (java.util.Arrays.binarySearch(p.keptKvGroups(), g) < 0) {
                    throw new Prune4jException(at + "keeps query head " + h + " but removes its KV group " + g);
                }
                groupRead[g] = true;
            }
            for (int g : p.keptKvGroups()) {
                if (!groupRead[g]) throw new Prune4jException(at + "keeps KV group " + g + " with none of its query heads");
            }
            if (p.keepsAttention() && !s.hasAttention()) throw new Prune4jException(at + "keeps heads of a layer without attention");
            int[] perGroup = new int[Math.max(1, s.kvHeads())];
            for (int h : p.keptHeads()) perGroup[h / s.groupSize()]++;
            for (int g : p.keptKvGroups()) {
                if (perGroup[g] != perGroup[p.keptKvGroups()[0]]) {
                    // Grouped-query attention needs the same number of query heads on every KV head.
                    throw new Prune4jException(at + "KV groups keep different numbers of query heads (" + perGroup[g] + " vs "
                            + perGroup[p.keptKvGroups()[0]] + "); GQA needs equal groups");
                }
            }
        }
    }

    /** The shapes of the surviving layers (removed layers are dropped). */
    public ModelConfig apply(ModelConfig c) {
        validate(c);
        List<LayerShape> out = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            LayerPlan p = layers.get(l);
            if (p.removed()) continue;
            out.add(shapeAfter(c.layer(l), p, biasCompensation));
        }
        if (out.isEmpty()) throw new Prune4jException("the plan removes every layer");
        return c.withLayers(out);
    }

    /** The shape a layer of shape s has after its plan p (output biases appear when compensating). */
    public static LayerShape shapeAfter(LayerShape s, LayerPlan p, boolean biasCompensation) {
        boolean att = p.keepsAttention(), mlp = p.keepsMlp();
        return new LayerShape(p.keptHeads().length, p.keptKvGroups().length, s.headDim(), p.keptChannels().length,
                att && s.qkvBias(), att && (s.oBias() || biasCompensation), mlp && (s.downBias() || biasCompensation));
    }

    /** Fraction of the model's total parameters (embeddings and output included) that the plan removes. */
    public double removedFraction(ModelConfig c) {
        return 1.0 - (double) apply(c).totalParameters() / c.totalParameters();
    }

    /**
     * Per module (attention of layer l at 2l, its MLP at 2l+1), the fraction of its projection weights the plan
     * removes: q/o rows and columns per kept head, k/v per kept KV group; gate/up/down per kept channel. A module
     * the dense model lacks counts 0.
     */
    public double[] moduleRatios(ModelConfig c) {
        double[] out = new double[2 * layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            LayerShape s = c.layer(l);
            LayerPlan p = layers.get(l);
            if (s.hasAttention()) {
                double dense = 2.0 * s.heads() + 2.0 * s.kvHeads(), kept = 2.0 * p.keptHeads().length + 2.0 * p.keptKvGroups().length;
                out[2 * l] = 1 - kept / dense;
            }
            if (s.hasMlp()) out[2 * l + 1] = 1 - (double) p.keptChannels().length / s.ffnDim();
        }
        return out;
    }
}
