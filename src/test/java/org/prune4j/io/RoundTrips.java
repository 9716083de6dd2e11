package org.prune4j.io;

import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.TensorRole;

import java.util.ArrayList;
import java.util.List;

/** Test helper: the same model with q/k rows re-ordered to HF's rotate-half layout, in memory. */
public final class RoundTrips {
    private RoundTrips() {}

    public static Model toHalfLayout(Model m) {
        List<LayerWeights> out = new ArrayList<>();
        for (int l = 0; l < m.config().layerCount(); l++) {
            LayerShape s = m.config().layer(l);
            LayerWeights w = m.weights().layers().get(l);
            if (!s.hasAttention()) {
                out.add(w);
                continue;
            }
            LayerWeights h = w;
            for (TensorRole r : TensorRole.LAYER_ROLES) {
                int heads = r.ropeHeads(s);
                if (heads == 0 || !r.presentIn(s)) continue;
                h = h.with(r, r.matrix ? RopePermute.toHalf(w.weight(r).base(), heads, s.headDim()) : RopePermute.toHalf(w.vector(r), heads, s.headDim()));
            }
            out.add(h);
        }
        ModelWeights mw = new ModelWeights(m.weights().embedding(), out, m.weights().finalNorm(), m.weights().output());
        return new Model(m.config().withRopeStyle(RopeStyle.HALF), mw, m.tokenizer(), null, "half-layout");
    }
}
