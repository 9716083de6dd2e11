package org.prune4j.model;

import org.prune4j.tensor.Weight;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One decoder layer's tensors by {@link TensorRole}, [out × in] layout: weights (stored matrices or views) and
 * vectors (norms, biases). A role is absent when the layer's shape has no such tensor (no attention, no MLP, no
 * bias). Immutable: {@link #with} returns a copy, which is how views and pruned tensors replace stored ones.
 */
public final class LayerWeights {
    private final Map<TensorRole, Weight> weights;
    private final Map<TensorRole, float[]> vectors;

    private LayerWeights(Map<TensorRole, Weight> weights, Map<TensorRole, float[]> vectors) {
        this.weights = weights;
        this.vectors = vectors;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects tensors by role; null values are skipped (absent tensors). */
    public static final class Builder {
        private final EnumMap<TensorRole, Weight> weights = new EnumMap<>(TensorRole.class);
        private final EnumMap<TensorRole, float[]> vectors = new EnumMap<>(TensorRole.class);

        public Builder weight(TensorRole role, Weight w) {
            if (!role.matrix) throw new IllegalArgumentException(role + " is a vector role");
            if (w != null) weights.put(role, w);
            return this;
        }

        public Builder vector(TensorRole role, float[] v) {
            if (role.matrix) throw new IllegalArgumentException(role + " is a matrix role");
            if (v != null) vectors.put(role, v);
            return this;
        }

        /** Sets a matrix role from a Weight or a vector role from a float[]. */
        public Builder put(TensorRole role, Object value) {
            if (value == null) return this;
            return role.matrix ? weight(role, (Weight) value) : vector(role, (float[]) value);
        }

        public LayerWeights build() {
            return new LayerWeights(new EnumMap<>(weights), new EnumMap<>(vectors));
        }
    }

    /** The weight of a matrix role, or null when absent. */
    public Weight weight(TensorRole role) {
        return weights.get(role);
    }

    /** The values of a vector role, or null when absent. */
    public float[] vector(TensorRole role) {
        return vectors.get(role);
    }

    /** A matrix role's Weight or a vector role's float[] (null when absent). */
    public Object get(TensorRole role) {
        return role.matrix ? weights.get(role) : vectors.get(role);
    }

    /** A copy with one tensor replaced (or removed when value is null). */
    public LayerWeights with(TensorRole role, Object value) {
        EnumMap<TensorRole, Weight> w = weights.isEmpty() ? new EnumMap<>(TensorRole.class) : new EnumMap<>(weights);
        EnumMap<TensorRole, float[]> v = vectors.isEmpty() ? new EnumMap<>(TensorRole.class) : new EnumMap<>(vectors);
        if (role.matrix) {
            if (value == null) w.remove(role);
            else w.put(role, (Weight) value);
        } else {
            if (value == null) v.remove(role);
            else v.put(role, (float[]) value);
        }
        return new LayerWeights(w, v);
    }

    /** Every present linear projection, in {@link TensorRole#LINEAR} order. */
    public void forEachLinear(BiConsumer<TensorRole, Weight> action) {
        for (TensorRole r : TensorRole.LINEAR) {
            Weight w = weights.get(r);
            if (w != null) action.accept(r, w);
        }
    }

    public Map<TensorRole, Weight> weights() {
        return Collections.unmodifiableMap(weights);
    }

    // Short accessors for the engine's hot path, where the role names would only add noise.
    public Weight wq() { return weights.get(TensorRole.Q); }
    public Weight wk() { return weights.get(TensorRole.K); }
    public Weight wv() { return weights.get(TensorRole.V); }
    public Weight wo() { return weights.get(TensorRole.O); }
    public Weight wGate() { return weights.get(TensorRole.GATE); }
    public Weight wUp() { return weights.get(TensorRole.UP); }
    public Weight wDown() { return weights.get(TensorRole.DOWN); }
    public float[] attnNorm() { return vectors.get(TensorRole.ATTN_NORM); }
    public float[] ffnNorm() { return vectors.get(TensorRole.FFN_NORM); }
    public float[] bq() { return vectors.get(TensorRole.Q_BIAS); }
    public float[] bk() { return vectors.get(TensorRole.K_BIAS); }
    public float[] bv() { return vectors.get(TensorRole.V_BIAS); }
    public float[] bo() { return vectors.get(TensorRole.O_BIAS); }
    public float[] bDown() { return vectors.get(TensorRole.DOWN_BIAS); }
}
