package org.prune4j.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Cuts text around added/special tokens (longest match first), as HF tokenizers do before normalising. */
final class SpecialSplitter {
    record Segment(String text, int specialId) {}

    /** Candidates by first character, longest first, so a scan costs one map probe per character. */
    private final Map<Character, List<String>> byFirst = new HashMap<>();
    private final Map<String, Integer> ids;

    SpecialSplitter(List<String> tokens, Map<String, Integer> ids) {
        for (String t : tokens) {
            if (!t.isEmpty()) byFirst.computeIfAbsent(t.charAt(0), c -> new ArrayList<>()).add(t);
        }
        byFirst.values().forEach(l -> l.sort(Comparator.comparingInt(String::length).reversed()));
        this.ids = ids;
    }

    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        int start = 0, i = 0;
        outer:
        while (i < text.length()) {
            List<String> cands = byFirst.get(text.charAt(i));
            if (cands != null) {
                for (String t : cands) {
                    if (text.startsWith(t, i)) {
                        if (i > start) out.add(new Segment(text.substring(start, i), -1));
                        out.add(new Segment(t, ids.get(t)));
                        i += t.length();
                        start = i;
                        continue outer;
                    }
                }
            }
            i++;
        }
        if (start < text.length()) out.add(new Segment(text.substring(start), -1));
        return out;
    }
}
