package org.prune4j.engine;

/** For each row of a batch: which sequence (index into the chunk list) and which absolute position it holds. */
public record BatchLayout(int[] sequence, int[] position) {
    public int rows() {
        return sequence.length;
    }
}
