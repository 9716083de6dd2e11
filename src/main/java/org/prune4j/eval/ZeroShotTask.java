package org.prune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The zero-shot tasks under lm-evaluation-harness's names, read from the layouts shipped in data/zeroshot (MosaicML
 * eval-gauntlet jsonl, llama.cpp's HellaSwag text) and turned into lm-eval's prompts: each choice is a
 * (context, continuation) pair scored by log-likelihood. Templates (lm-eval's task configs):
 * <ul>
 * <li>arc_easy, arc_challenge: "Question: {question}\nAnswer:" + " " + choice</li>
 * <li>piqa: "Question: {goal}\nAnswer:" + " " + solution</li>
 * <li>boolq: "{passage}\nQuestion: {question}?\nAnswer:" + " no" / " yes"</li>
 * <li>openbookqa: "{question_stem}" + " " + choice</li>
 * <li>copa: premise without its final period + " because" / " therefore" + " " + choice (first letter lowered)</li>
 * <li>hellaswag: "{activity_label}: {ctx}" + " " + ending (the file's preprocessed text; lm-eval also capitalises
 * ctx_b, which this layout cannot separate)</li>
 * <li>winogrande (partial scoring): the sentence up to the blank with each option as context, the rest of the
 * sentence as the one continuation</li>
 * <li>lambada_openai: the text up to its last word, + " " + last word (greedy match and perplexity)</li>
 * </ul>
 */
public enum ZeroShotTask {
    ARC_EASY("arc_easy", "arc_easy.jsonl", true),
    ARC_CHALLENGE("arc_challenge", "arc_challenge.jsonl", true),
    BOOLQ("boolq", "boolq.jsonl", false),
    COPA("copa", "copa.jsonl", false),
    HELLASWAG("hellaswag", "hellaswag_val_full.txt", true),
    LAMBADA_OPENAI("lambada_openai", "lambada_openai.jsonl", false),
    OPENBOOKQA("openbookqa", "openbook_qa.jsonl", true),
    PIQA("piqa", "piqa.jsonl", true),
    WINOGRANDE("winogrande", "winogrande.jsonl", false);

    /** lm-eval's name. */
    public final String id;
    /** The file read from the tasks folder. */
    public final String file;
    /** Whether lm-eval reports acc_norm (log-likelihood divided by the choice's length in characters). */
    public final boolean hasAccNorm;

    ZeroShotTask(String id, String file, boolean hasAccNorm) {
        this.id = id;
        this.file = file;
        this.hasAccNorm = hasAccNorm;
    }

    /** One request: the continuation is scored given the context. */
    public record Pair(String context, String continuation) {}

    /**
     * One item: its requests (one per choice; winogrande: one per option), the gold index, and each choice's text
     * (its length normalises acc_norm). LAMBADA items have one request and gold 0.
     */
    public record Item(List<Pair> requests, int gold, List<String> choices) {}

    public static ZeroShotTask byId(String id) {
        for (ZeroShotTask t : values()) if (t.id.equals(id)) return t;
        throw new Prune4jException("unknown task '" + id + "'; known: " + String.join(", ", Arrays.stream(values()).map(t -> t.id).toList()) + " (or all)");
    }

    /** Reads this task's items from dir, at most limit (≤ 0: all), in file order. */
    public List<Item> load(Path dir, int limit) {
        Path f = dir.resolve(file);
        if (!Files.exists(f)) throw Prune4jException.inFile(f, "no such task file (--tasks-dir names the folder of the task files)");
        org.prune4j.util.TextFiles.requireReadableSize(f, 3);
        try {
            return this == HELLASWAG ? hellaswag(f, limit) : jsonl(f, limit);
        } catch (IOException e) {
            throw Prune4jException.inFile(f, "cannot be read: " + e.getMessage());
        }
    }

    private List<Item> jsonl(Path f, int limit) throws IOException {
        ObjectMapper om = new ObjectMapper();
        List<Item> out = new ArrayList<>();
        int line = 0;
        for (String s : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            line++;
            if (s.isBlank()) continue;
            if (limit > 0 && out.size() >= limit) break;
            JsonNode n;
            try {
                n = om.readTree(s);
            } catch (IOException e) {
                throw Prune4jException.inFile(f, "line " + line + " is not JSON");
            }
            try {
                out.add(item(n));
            } catch (RuntimeException e) {
                throw Prune4jException.inFile(f, "line " + line + ": " + (e.getMessage() == null ? "unknown layout" : e.getMessage()));
            }
        }
        return out;
    }

    private Item item(JsonNode n) {
        switch (this) {
            case WINOGRANDE -> {
                List<String> options = strings(n, "context_options");
                String cont = " " + text(n, "continuation").strip();
                List<Pair> p = options.stream().map(o -> new Pair(o, cont)).toList();
                return new Item(p, gold(n, options.size()), options);
            }
            case LAMBADA_OPENAI -> {
                return new Item(List.of(new Pair(text(n, "context"), " " + text(n, "continuation").strip())), 0, List.of(text(n, "continuation")));
            }
            default -> {
                String q = text(n, "query");
                List<String> choices = strings(n, "choices");
                String context = switch (this) {
                    case ARC_EASY, ARC_CHALLENGE -> q + "\nAnswer:";
                    case PIQA -> (q.endsWith("\n") ? q : q + "\n") + "Answer:";
                    case BOOLQ -> (q.startsWith("Passage: ") ? q.substring("Passage: ".length()) : q) + "\nAnswer:";
                    case COPA -> q.replaceFirst(", (because|therefore)$", " $1");
                    default -> q;
                };
                List<Pair> p = choices.stream().map(c -> new Pair(context, " " + c)).toList();
                return new Item(p, gold(n, choices.size()), choices);
            }
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("field '" + field + "' is missing or not a string (unknown layout)");
        return v.asText();
    }

    private static List<String> strings(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray() || v.size() < 2) throw new IllegalArgumentException("field '" + field + "' must be a list of at least 2 strings");
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isEmpty()) throw new IllegalArgumentException("field '" + field + "' holds an empty or non-string choice");
            out.add(e.asText());
        }
        return out;
    }

    private static int gold(JsonNode n, int choices) {
        JsonNode g = n.get("gold");
        if (g == null || !g.canConvertToInt()) throw new IllegalArgumentException("field 'gold' is missing or not an integer");
        int v = g.asInt();
        if (v < 0 || v >= choices) throw new IllegalArgumentException("gold index " + v + " is outside the " + choices + " choices");
        return v;
    }

    /** llama.cpp's layout: 6 lines per item (context, gold label, four endings). */
    private static List<Item> hellaswag(Path f, int limit) throws IOException {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        if (lines.size() % 6 != 0) throw Prune4jException.inFile(f, "has " + lines.size() + " lines, not 6 per item (context, label, 4 endings)");
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < lines.size() && (limit <= 0 || out.size() < limit); i += 6) {
            int gold;
            try {
                gold = Integer.parseInt(lines.get(i + 1).strip());
            } catch (NumberFormatException e) {
                throw Prune4jException.inFile(f, "line " + (i + 2) + " should be the gold label 0-3");
            }
            if (gold < 0 || gold > 3) throw Prune4jException.inFile(f, "line " + (i + 2) + ": gold index " + gold + " is outside the 4 endings");
            List<String> endings = lines.subList(i + 2, i + 6);
            for (int e = 0; e < 4; e++) if (endings.get(e).isEmpty()) throw Prune4jException.inFile(f, "line " + (i + 3 + e) + " is an empty ending");
            String context = lines.get(i);
            out.add(new Item(endings.stream().map(e -> new Pair(context, " " + e)).toList(), gold, List.copyOf(endings)));
        }
        return out;
    }
}
