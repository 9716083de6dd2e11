package org.prune4j.eval;

import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;

/**
 * How the papers' loaders see a text file: as Hugging Face dataset rows joined by "\n\n". Wanda, FLAP and
 * LLM-Pruner tokenize {@code "\n\n".join(rows)} of the test split, so the same file gives a different token stream
 * than the file itself (every newline doubled, blank lines tripled).
 */
public enum TextRows {
    /** The file as it is. */
    FILE,
    /** {@code wikitext-2-raw-v1}: one row per line with its newline kept; a blank line is an empty row. */
    WIKITEXT,
    /** {@code ptb_text_only}: one row per line, stripped. */
    PTB;

    public static TextRows of(String s) {
        return switch (s) {
            case "file" -> FILE;
            case "wikitext" -> WIKITEXT;
            case "ptb" -> PTB;
            default -> throw new Prune4jException("--rows must be file, wikitext or ptb, got '" + s + "'");
        };
    }

    /** The rows of the text (file lines as Python's file iteration yields them: each with its newline). */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    /** The text the papers' loaders tokenize. */
    public String join(String text) {
        if (this == FILE) return text;
        StringBuilder b = new StringBuilder(text.length() * 2);
        boolean first = true;
        for (String line : lines(text)) {
            if (!first) b.append("\n\n");
            first = false;
            if (this == WIKITEXT) b.append(line.strip().isEmpty() ? "" : line);
            else b.append(line.strip());
        }
        return b.toString();
    }
}
