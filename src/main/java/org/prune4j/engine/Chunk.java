package org.prune4j.engine;

/** New tokens of one sequence, appended after what its cache already holds. */
public record Chunk(KvCache cache, int[] tokens) {
    public Chunk {
        if (tokens.length == 0) throw new IllegalArgumentException("empty chunk");
        if (cache.length() + tokens.length > cache.capacity()) {
            throw new IllegalArgumentException("sequence of " + (cache.length() + tokens.length)
                    + " tokens exceeds its KV cache of " + cache.capacity());
        }
    }
}
