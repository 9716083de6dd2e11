package org.prune4j.io;

import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.RopeStyle;

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
            out.add(new LayerWeights(w.attnNorm(), RopePermute.toHalf(w.wq(), s.heads(), s.headDim()),
                    RopePermute.toHalf(w.wk(), s.kvHeads(), s.headDim()), w.wv(), w.wo(),
                    RopePermute.toHalf(w.bq(), s.heads(), s.headDim()), RopePermute.toHalf(w.bk(), s.kvHeads(), s.headDim()),
                    w.bv(), w.bo(), w.ffnNorm(), w.wGate(), w.wUp(), w.wDown(), w.bDown()));
        }
        ModelWeights mw = new ModelWeights(m.weights().embedding(), out, m.weights().finalNorm(), m.weights().output());
        return new Model(m.config().withRopeStyle(RopeStyle.HALF), mw, m.tokenizer(), null, "half-layout");
    }
}
