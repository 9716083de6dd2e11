package org.prune4j.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Registry of activation listeners. The engine asks {@link #active} before building anything for a point, so a
 * forward pass with no listeners pays one array read per point and layer.
 */
public final class Taps {
    private final boolean[] active = new boolean[TapPoint.values().length];
    private final Map<TapPoint, List<TapListener>> listeners = new EnumMap<>(TapPoint.class);

    /** Registers a listener; returns a handle whose {@code close} removes it. */
    public AutoCloseable add(TapPoint point, TapListener l) {
        listeners.computeIfAbsent(point, p -> new ArrayList<>()).add(l);
        active[point.ordinal()] = true;
        return () -> remove(point, l);
    }

    public void remove(TapPoint point, TapListener l) {
        List<TapListener> ls = listeners.get(point);
        if (ls != null && ls.remove(l) && ls.isEmpty()) {
            listeners.remove(point);
            active[point.ordinal()] = false;
        }
    }

    public void clear() {
        listeners.clear();
        java.util.Arrays.fill(active, false);
    }

    public boolean active(TapPoint p) {
        return active[p.ordinal()];
    }

    void fire(int layer, TapPoint p, float[] data, int rows, int width, BatchLayout layout) {
        if (!active[p.ordinal()]) return;
        for (TapListener l : listeners.get(p)) l.onActivation(layer, p, data, rows, width, layout);
    }
}
