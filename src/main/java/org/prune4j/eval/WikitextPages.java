package org.prune4j.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * lm-evaluation-harness's {@code wikitext} task (word perplexity): the text as Wikipedia pages, each scored whole
 * by rolling log-likelihood, with the task's detokenizer ({@code preprocess_wikitext.wikitext_detokenizer}) applied
 * before encoding and words and bytes counted on the page before detokenizing (its {@code process_results}).
 * Pages: a line " = Title = " (one '=' on each side) starts a new page, as in the document-level WikiText dataset;
 * a text with {@code <|endoftext|>} separator lines is split on those instead.
 */
public final class WikitextPages {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private WikitextPages() {}

    public static List<String> pages(String text) {
        if (text.contains("\n" + Corpus.SEPARATOR) || text.startsWith(Corpus.SEPARATOR)) return Corpus.documents(text);
        List<String> out = new ArrayList<>();
        StringBuilder page = new StringBuilder();
        for (String line : TextRows.lines(text)) {
            if (isTitle(line) && !page.toString().isBlank()) {
                out.add(page.toString());
                page.setLength(0);
            }
            page.append(line);
        }
        if (!page.toString().isBlank()) out.add(page.toString());
        return out;
    }

    /** " = Title = " but not a section heading " = = Section = = ". */
    static boolean isTitle(String line) {
        String l = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        return l.startsWith(" = ") && !l.startsWith(" = = ") && l.endsWith(" = ");
    }

    /** Words as the task counts them: {@code len(re.split(r"\s+", page))}, empty leading/trailing pieces included. */
    public static long words(String page) {
        var m = WHITESPACE.matcher(page);
        long pieces = 1;
        while (m.find()) pieces++;
        return pieces;
    }

    /** The task's detokenizer, rule by rule in its order. */
    public static String detokenize(String s) {
        s = s.replace("s '", "s'");
        s = s.replaceAll("/' [0-9]/", "/'[0-9]/");
        s = s.replace(" @-@ ", "-").replace(" @,@ ", ",").replace(" @.@ ", ".");
        s = s.replace(" : ", ": ").replace(" ; ", "; ").replace(" . ", ". ").replace(" ! ", "! ").replace(" ? ", "? ").replace(" , ", ", ");
        s = s.replaceAll("\\(\\s*([^\\)]*?)\\s*\\)", "($1)");
        s = s.replaceAll("\\[\\s*([^\\]]*?)\\s*\\]", "[$1]");
        s = s.replaceAll("\\{\\s*([^}]*?)\\s*\\}", "{$1}");
        s = s.replaceAll("\"\\s*([^\"]*?)\\s*\"", "\"$1\"");
        s = s.replaceAll("'\\s*([^']*?)\\s*'", "'$1'");
        s = s.replace("= = = =", "====").replace("= = =", "===").replace("= =", "==");
        s = s.replace(" \u00b0 ", "\u00b0");
        s = s.replace(" \n", "\n").replace("\n ", "\n");
        s = s.replace(" N ", " 1 ").replace(" 's", "'s");
        return s;
    }

    /**
     * lm-eval's rolling windows ({@code get_rolling_token_windows} with context length 1, made disjoint): the first
     * window is the prefix token and the first L − 1 tokens predicting the first L; each next window predicts up to
     * L further tokens from the L tokens before its last target. Returned as (input, targets) with input[j]
     * predicting targets[j] for the last targets.length inputs.
     */
    public record Window(int[] input, int[] targets) {}

    public static List<Window> windows(int[] tokens, int prefix, int maxLen) {
        List<Window> out = new ArrayList<>();
        if (tokens.length == 0) return out;
        int first = Math.min(maxLen, tokens.length);
        int[] in = new int[first];
        in[0] = prefix;
        System.arraycopy(tokens, 0, in, 1, first - 1);
        out.add(new Window(in, java.util.Arrays.copyOfRange(tokens, 0, first)));
        int predicted = first;
        while (predicted < tokens.length) {
            int pred = Math.min(tokens.length - predicted, maxLen), end = predicted + pred;
            int from = Math.max(0, end - maxLen - 1);
            out.add(new Window(java.util.Arrays.copyOfRange(tokens, from, end - 1), java.util.Arrays.copyOfRange(tokens, end - pred, end)));
            predicted += pred;
        }
        return out;
    }
}
