package org.prune4j.engine;

import org.prune4j.model.ModelConfig;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * KV caches kept between passes over the same windows (loss probes run the same calibration windows hundreds of
 * times): a pass takes caches of its windows' lengths and returns them afterwards, emptied. Fresh ones per probe
 * would be promoted and pile up in the old generation between full collections. The passes are whole-sequence
 * and never decode afterwards, so each cache shares one buffer across layers ({@link KvCache#sharedAcrossLayers}).
 */
public final class CachePool {
    private final ModelConfig config;
    private final Map<Integer, Deque<KvCache>> free = new HashMap<>();

    public CachePool(ModelConfig config) {
        this.config = config;
    }

    /** An empty cache of this capacity. */
    KvCache take(int capacity) {
        Deque<KvCache> d = free.get(capacity);
        KvCache c = d == null || d.isEmpty() ? null : d.pop();
        if (c == null) return KvCache.sharedAcrossLayers(config, capacity);
        c.reset();
        return c;
    }

    /** Gives a pass's caches back. */
    void release(List<Chunk> chunks) {
        for (Chunk ch : chunks) free.computeIfAbsent(ch.cache().capacity(), k -> new ArrayDeque<>()).push(ch.cache());
    }
}
