package org.prune4j.calib;

import org.prune4j.engine.BatchLayout;
import org.prune4j.engine.TapPoint;

import java.util.Set;

/**
 * Evidence gathered from activations during calibration passes. A collector observes tap points; its state is
 * mergeable: {@code a.merge(b)} folds the state of later windows {@code b} into {@code a}. The runner gives every
 * pass (a fixed group of windows) a {@link #fresh} collector and folds the pass states in window order, so any
 * split of the passes across threads or machines that keeps that order gives bit-identical results. States are
 * serializable: a distributed run ships fresh collectors out and pass states back.
 */
public interface Collector extends java.io.Serializable {
    /** The tap points this collector reads. */
    Set<TapPoint> points();

    /** One tap firing: rows × width activations of one layer (do not keep the array; it is reused). */
    void observe(int layer, TapPoint point, float[] data, int rows, int width, BatchLayout layout);

    /** An empty collector of the same kind and shape. */
    Collector fresh();

    /** Folds the state of later windows into this one. */
    void merge(Collector later);

    /** Called once after the last merge: validate (NaN/Inf) and derive. */
    default void finish() {}
}
