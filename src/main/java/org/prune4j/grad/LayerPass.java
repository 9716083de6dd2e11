package org.prune4j.grad;

import org.prune4j.engine.Ops;
import org.prune4j.engine.Rope;
import org.prune4j.kernel.Gemm;
import org.prune4j.kernel.Parallel;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.Weight;

/**
 * One decoder layer, forward and backward, over a batch of independent windows. The forward pass can keep every
 * intermediate the backward pass needs; {@link Backprop} calls it twice per layer (once to produce the next
 * layer's input, once more from the saved layer input just before the backward pass), so at most one layer's
 * intermediates are alive at a time (activation checkpointing at layer boundaries).
 */
final class LayerPass {
    private final int layer, d;
    private final float eps;
    private final LayerShape s;
    private final LayerWeights w;
    private final Rope rope;
    private final Windows win;
    private final Parallel par;

    // Kept by forward(x, true) for backward: inputs of every product and of every non-linearity.
    private float[] x, inv1, xn1, q, k, v, att, xMid, inv2, xn2, gate, up, hidden;

    LayerPass(int layer, int hidden, float eps, LayerShape s, LayerWeights w, Rope rope, Windows win, Parallel par) {
        this.layer = layer;
        this.d = hidden;
        this.eps = eps;
        this.s = s;
        this.w = w;
        this.rope = rope;
        this.win = win;
        this.par = par;
    }

    /** The layer's output for input x [rows × d]; x is not modified. */
    float[] forward(float[] input, boolean keep) {
        int rows = win.rows();
        float[] out = input.clone();
        float[] xn = new float[rows * d];
        float[] invA = null, qq = null, kk = null, vv = null, a = null;
        if (s.hasAttention()) {
            invA = Dense.inverseRms(out, rows, d, eps);
            Ops.rmsNorm(out, w.attnNorm(), eps, rows, d, xn);
            qq = linear(xn, w.wq(), w.bq());
            kk = linear(xn, w.wk(), w.bk());
            vv = linear(xn, w.wv(), w.bv());
            rope.apply(qq, rows, s.heads(), win.position());
            rope.apply(kk, rows, s.kvHeads(), win.position());
            a = new float[rows * s.qDim()];
            AttentionGrad.forward(qq, kk, vv, a, s, win, par);
            Ops.addInPlace(out, linear(a, w.wo(), w.bo()), rows * d);
        }
        float[] mid = keep ? out.clone() : null, xn1Kept = keep && s.hasAttention() ? xn.clone() : null;
        float[] invB = null, xnB = null, g = null, u = null, h = null;
        if (s.hasMlp()) {
            invB = Dense.inverseRms(out, rows, d, eps);
            xnB = new float[rows * d];
            Ops.rmsNorm(out, w.ffnNorm(), eps, rows, d, xnB);
            g = linear(xnB, w.wGate(), null);
            u = linear(xnB, w.wUp(), null);
            h = g.clone();
            Ops.siluInPlace(h, h.length);
            Ops.mulInPlace(h, u, h.length);
            Ops.addInPlace(out, linear(h, w.wDown(), w.bDown()), rows * d);
        }
        if (keep) {
            x = input; inv1 = invA; xn1 = xn1Kept; q = qq; k = kk; v = vv; att = a;
            xMid = mid; inv2 = invB; xn2 = xnB; gate = g; up = u; hidden = h;
        }
        return out;
    }

    /** Given dL/d(output) [rows × d], hands every weight gradient to the sink and returns dL/d(input). */
    float[] backward(float[] dOut, GradientSink sink) {
        if (x == null) throw new IllegalStateException("backward needs a forward pass that kept its activations");
        int rows = win.rows();
        float[] dMid = dOut.clone();
        if (s.hasMlp()) {
            int m = s.ffnDim();
            emit(TensorRole.DOWN, Dense.weightGradient(dOut, hidden, rows, d, m, par), sink);
            if (w.bDown() != null) sink.accept(layer, TensorRole.DOWN_BIAS, Dense.columnSums(dOut, rows, d));
            float[] dH = inputGradient(dOut, w.wDown(), rows);
            float[] dGate = new float[rows * m], dUp = new float[rows * m];
            for (int i = 0; i < rows * m; i++) {
                float z = gate[i], sig = 1f / (1f + (float) Math.exp(-z)), silu = z * sig;
                dUp[i] = dH[i] * silu;
                dGate[i] = dH[i] * up[i] * sig * (1f + z * (1f - sig));
            }
            hidden = null;
            emit(TensorRole.GATE, Dense.weightGradient(dGate, xn2, rows, m, d, par), sink);
            emit(TensorRole.UP, Dense.weightGradient(dUp, xn2, rows, m, d, par), sink);
            float[] dXn = inputGradient(dGate, w.wGate(), rows);
            Ops.addInPlace(dXn, inputGradient(dUp, w.wUp(), rows), rows * d);
            sink.accept(layer, TensorRole.FFN_NORM, Dense.rmsNormBackward(xMid, inv2, w.ffnNorm(), dXn, rows, d, dMid));
        }
        float[] dx = dMid.clone();
        if (s.hasAttention()) {
            int qDim = s.qDim(), kvDim = s.kvDim();
            emit(TensorRole.O, Dense.weightGradient(dMid, att, rows, d, qDim, par), sink);
            if (w.bo() != null) sink.accept(layer, TensorRole.O_BIAS, Dense.columnSums(dMid, rows, d));
            float[] dAtt = inputGradient(dMid, w.wo(), rows);
            float[] dq = new float[rows * qDim], dk = new float[rows * kvDim], dv = new float[rows * kvDim];
            AttentionGrad.backward(q, k, v, dAtt, dq, dk, dv, s, win, par);
            // dL/dv is already with respect to the projection output; q and k were rotated after projection.
            rope.applyInverse(dq, rows, s.heads(), win.position());
            rope.applyInverse(dk, rows, s.kvHeads(), win.position());
            emit(TensorRole.Q, Dense.weightGradient(dq, xn1, rows, qDim, d, par), sink);
            emit(TensorRole.K, Dense.weightGradient(dk, xn1, rows, kvDim, d, par), sink);
            emit(TensorRole.V, Dense.weightGradient(dv, xn1, rows, kvDim, d, par), sink);
            if (w.bq() != null) sink.accept(layer, TensorRole.Q_BIAS, Dense.columnSums(dq, rows, qDim));
            if (w.bk() != null) sink.accept(layer, TensorRole.K_BIAS, Dense.columnSums(dk, rows, kvDim));
            if (w.bv() != null) sink.accept(layer, TensorRole.V_BIAS, Dense.columnSums(dv, rows, kvDim));
            float[] dXn = inputGradient(dq, w.wq(), rows);
            Ops.addInPlace(dXn, inputGradient(dk, w.wk(), rows), rows * d);
            Ops.addInPlace(dXn, inputGradient(dv, w.wv(), rows), rows * d);
            sink.accept(layer, TensorRole.ATTN_NORM, Dense.rmsNormBackward(x, inv1, w.attnNorm(), dXn, rows, d, dx));
        }
        x = inv1 = xn1 = q = k = v = att = xMid = inv2 = xn2 = gate = up = hidden = null;
        return dx;
    }

    private void emit(TensorRole role, float[] grad, GradientSink sink) {
        sink.accept(layer, role, grad);
    }

    /** y = x·Wᵀ + b with the engine's kernel. */
    private float[] linear(float[] in, Weight weight, float[] bias) {
        int rows = win.rows();
        float[] y = new float[rows * weight.rows()];
        Gemm.multiply(in, rows, weight, y, par);
        Ops.addBias(y, bias, rows);
        return y;
    }

    /** dL/dx = dY · W for y = x·Wᵀ (W widened to f32 once). */
    private float[] inputGradient(float[] dy, Weight weight, int rows) {
        float[] dx = new float[rows * weight.cols()];
        Dense.mul(dy, rows, weight.rows(), weight.toFloats(), weight.cols(), dx, par);
        return dx;
    }
}
