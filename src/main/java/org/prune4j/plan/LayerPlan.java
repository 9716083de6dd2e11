package org.prune4j.plan;

import java.util.Arrays;

/**
 * What one decoder layer keeps: query heads, KV groups and MLP channels by original index (sorted, no
 * duplicates). No kept heads means the attention sub-block goes; no kept channels means the MLP goes; a layer
 * that keeps neither is removed whole ({@code removed}).
 */
public record LayerPlan(int[] keptHeads, int[] keptKvGroups, int[] keptChannels) implements java.io.Serializable {

    public LayerPlan {
        keptHeads = sortedUnique(keptHeads, "heads");
        keptKvGroups = sortedUnique(keptKvGroups, "KV groups");
        keptChannels = sortedUnique(keptChannels, "channels");
    }

    /** Keeps everything of a layer with these counts. */
    public static LayerPlan keepAll(int heads, int kvHeads, int channels) {
        return new LayerPlan(range(heads), range(kvHeads), range(channels));
    }

    public boolean removed() {
        return keptHeads.length == 0 && keptChannels.length == 0;
    }

    public boolean keepsAttention() {
        return keptHeads.length > 0;
    }

    public boolean keepsMlp() {
        return keptChannels.length > 0;
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    private static int[] sortedUnique(int[] v, String what) {
        int[] s = v.clone();
        Arrays.sort(s);
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0 || (i > 0 && s[i] == s[i - 1])) throw new IllegalArgumentException("kept " + what + " must be distinct non-negative indices: " + Arrays.toString(v));
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerPlan p && Arrays.equals(keptHeads, p.keptHeads) && Arrays.equals(keptKvGroups, p.keptKvGroups)
                && Arrays.equals(keptChannels, p.keptChannels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keptHeads) * 31 * 31 + Arrays.hashCode(keptKvGroups) * 31 + Arrays.hashCode(keptChannels);
    }

    @Override
    public String toString() {
        return "LayerPlan[heads=" + keptHeads.length + ", kv=" + keptKvGroups.length + ", channels=" + keptChannels.length + "]";
    }
}
