package org.prune4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.prune4j.util.Prune4jException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} (BPE models only) plus the {@code tokenizer_config.json} beside it
 * for BOS/EOS handling. Decides the family from the pipeline: a ByteLevel pre-tokenizer means byte-level BPE;
 * a ▁-prepending normaliser or Metaspace pre-tokenizer means SentencePiece kind.
 */
public final class TokenizerJson {
    private TokenizerJson() {}

    /**
     * A token id from the file: an integer in [0, max(2·count, count + 1024)) — ids may leave gaps, but not more
     * than the vocabulary's own size (the largest real vocabularies have no gaps to speak of).
     */
    private static int tokenId(Path file, String what, JsonNode v, int count) {
        long limit = Math.max(2L * count, count + 1024L);
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() >= limit) {
            throw Prune4jException.inFile(file, what + " has id " + v + ": not an integer in [0, " + limit + ") for " + count + " tokens");
        }
        return v.asInt();
    }

    public static Tokenizer read(Path file) {
        JsonNode root = org.prune4j.util.JsonFiles.read(file);
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw Prune4jException.inFile(file, "tokenizer model type '" + model.path("type").asText() + "' is not supported (BPE only)");
        }
        JsonNode config = readConfig(file.resolveSibling("tokenizer_config.json"));
        // Ids are checked before anything is sized by them: a negative, non-integer or absurd id is a corrupt file,
        // not an array index or an allocation.
        int count = model.path("vocab").size() + root.path("added_tokens").size();
        int size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            size = Math.max(size, tokenId(file, "vocab entry", e.getValue(), count) + 1);
        }
        for (JsonNode a : root.path("added_tokens")) size = Math.max(size, tokenId(file, "added token", a.path("id"), count) + 1);
        if (size == 0) throw Prune4jException.inFile(file, "has an empty vocabulary");
        String[] pieces = new String[size];
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            pieces[e.getValue().asInt()] = e.getKey();
        }
        boolean[] special = new boolean[size];
        boolean[] added = new boolean[size];
        for (JsonNode a : root.path("added_tokens")) {
            int id = a.path("id").asInt();
            pieces[id] = a.path("content").asText();
            added[id] = true;
            special[id] = a.path("special").asBoolean(false);
        }
        List<String[]> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            if (m.isArray()) {
                if (m.size() != 2 || !m.get(0).isTextual() || !m.get(1).isTextual()) throw Prune4jException.inFile(file, "malformed merge " + m);
                merges.add(new String[]{m.get(0).asText(), m.get(1).asText()});
            } else {
                String s = m.asText();
                int sp = s.indexOf(' ', 1);
                if (sp < 0) throw Prune4jException.inFile(file, "malformed merge '" + s + "'");
                merges.add(new String[]{s.substring(0, sp), s.substring(sp + 1)});
            }
        }
        String bosText = tokenText(config.path("bos_token"));
        String eosText = tokenText(config.path("eos_token"));
        Boolean addBosCfg = config.has("add_bos_token") ? config.path("add_bos_token").asBoolean() : null;
        String templateBos = templateFirstSpecial(root.path("post_processor"));
        // A special token that tokenizer_config.json names must exist: dropping BOS silently changes every score.
        Path cfgFile = file.resolveSibling("tokenizer_config.json");
        for (String[] named : new String[][] {{"bos_token", bosText}, {"eos_token", eosText}, {"post_processor template", templateBos}}) {
            if (named[1] != null && idOf(pieces, named[1]) < 0) {
                throw Prune4jException.inFile(named[0].startsWith("post") ? file : cfgFile, named[0] + " '" + named[1] + "' is not in the vocabulary of " + file.getFileName());
            }
        }

        JsonNode byteLevel = find(root.path("pre_tokenizer"), "ByteLevel");
        if (byteLevel != null) {
            JsonNode splitNode = find(root.path("pre_tokenizer"), "Split");
            String pattern = splitNode != null ? splitNode.path("pattern").path("Regex").asText(null)
                    : byteLevel.path("use_regex").asBoolean(true) ? ByteLevelBpeTokenizer.GPT2_PATTERN : null;
            if (pattern == null) throw Prune4jException.inFile(file, "byte-level pre-tokenizer without a split pattern is not supported");
            boolean nfc = find(root.path("normalizer"), "NFC") != null;
            int bos = idOf(pieces, bosText != null ? bosText : templateBos);
            int eos = idOf(pieces, eosText);
            boolean addBos = addBosCfg != null ? addBosCfg : templateBos != null;
            for (int i = 0; i < size; i++) if (pieces[i] == null) pieces[i] = "<unused" + i + ">";
            return new ByteLevelBpeTokenizer(pieces, special, merges, pattern, nfc,
                    model.path("ignore_merges").asBoolean(false), bos, eos, addBos && bos >= 0);
        }
        boolean prepend = hasPrepend(root.path("normalizer")) || hasMetaspacePrefix(root.path("pre_tokenizer"));
        boolean byteFallback = model.path("byte_fallback").asBoolean(false);
        String unkText = model.path("unk_token").asText(null);
        int[] types = new int[size];
        float[] scores = new float[size];
        for (int i = 0; i < size; i++) {
            if (pieces[i] == null) {
                pieces[i] = "<unused" + i + ">";
                types[i] = SentencePieceTokenizer.UNUSED;
            } else if (pieces[i].equals(unkText)) {
                types[i] = SentencePieceTokenizer.UNKNOWN;
            } else if (added[i]) {
                types[i] = special[i] ? SentencePieceTokenizer.CONTROL : SentencePieceTokenizer.USER_DEFINED;
            } else if (byteFallback && SentencePieceTokenizer.parseByte(pieces[i]) >= 0) {
                types[i] = SentencePieceTokenizer.BYTE;
            } else {
                types[i] = SentencePieceTokenizer.NORMAL;
            }
            scores[i] = -i; // HF keeps no scores; rank order stands in for them (export only)
        }
        int bos = idOf(pieces, bosText != null ? bosText : templateBos != null ? templateBos : "<s>");
        int eos = idOf(pieces, eosText != null ? eosText : "</s>");
        boolean addBos = addBosCfg != null ? addBosCfg : templateBos != null;
        return new SentencePieceTokenizer(pieces, scores, types, "\u2581", prepend, bos, eos,
                idOf(pieces, unkText), addBos && bos >= 0, merges);
    }

    private static JsonNode readConfig(Path p) {
        return Files.exists(p) ? org.prune4j.util.JsonFiles.read(p) : new ObjectMapper().createObjectNode();
    }

    private static String tokenText(JsonNode n) {
        if (n.isTextual()) return n.asText();
        if (n.isObject()) return n.path("content").asText(null);
        return null;
    }

    private static int idOf(String[] pieces, String text) {
        if (text == null) return -1;
        for (int i = 0; i < pieces.length; i++) if (text.equals(pieces[i])) return i;
        return -1;
    }

    /** The first node of a given "type" in a (possibly Sequence-nested) pipeline stage. */
    static JsonNode find(JsonNode stage, String type) {
        if (stage == null || stage.isNull() || stage.isMissingNode()) return null;
        if (type.equals(stage.path("type").asText())) return stage;
        for (String key : new String[]{"pretokenizers", "normalizers", "processors", "decoders"}) {
            for (JsonNode child : stage.path(key)) {
                JsonNode hit = find(child, type);
                if (hit != null) return hit;
            }
        }
        return null;
    }

    private static boolean hasPrepend(JsonNode normalizer) {
        JsonNode p = find(normalizer, "Prepend");
        return p != null && "\u2581".equals(p.path("prepend").asText());
    }

    private static boolean hasMetaspacePrefix(JsonNode pre) {
        JsonNode m = find(pre, "Metaspace");
        if (m == null) return false;
        String scheme = m.path("prepend_scheme").asText(m.path("add_prefix_space").asBoolean(true) ? "always" : "never");
        return !"never".equals(scheme);
    }

    private static String templateFirstSpecial(JsonNode post) {
        JsonNode t = find(post, "TemplateProcessing");
        if (t == null) return null;
        JsonNode first = t.path("single").path(0);
        return first.has("SpecialToken") ? first.path("SpecialToken").path("id").asText(null) : null;
    }
}
