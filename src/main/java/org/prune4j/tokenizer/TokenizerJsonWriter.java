package org.prune4j.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes {@code tokenizer.json} + {@code tokenizer_config.json} in the layout Hugging Face's own converters
 * produce: LLaMA-2 style (▁ normaliser, byte fallback, merges in score order) for SentencePiece-kind tokenizers,
 * LLaMA-3/Qwen2 style (regex split + ByteLevel) for byte-level ones.
 */
public final class TokenizerJsonWriter {
    private static final String SPACE = "\u2581";

    private TokenizerJsonWriter() {}

    public static void write(Tokenizer tok, Path dir) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode model = om.createObjectNode();
        model.put("type", "BPE");
        model.putNull("dropout");
        ObjectNode vocab = om.createObjectNode();
        ArrayNode merges = om.createArrayNode();
        if (tok instanceof SentencePieceTokenizer spm) {
            for (int i = 0; i < spm.vocabSize(); i++) {
                int type = spm.type(i);
                String p = type == SentencePieceTokenizer.NORMAL ? spm.piece(i).replace(spm.marker(), SPACE) : spm.piece(i);
                vocab.put(p, i);
                if (type == SentencePieceTokenizer.CONTROL || type == SentencePieceTokenizer.UNKNOWN || type == SentencePieceTokenizer.USER_DEFINED) {
                    addToken(added, i, p, type != SentencePieceTokenizer.USER_DEFINED);
                }
            }
            spm.mergeStrings().forEach(merges::add);
            if (spm.unk() >= 0) model.put("unk_token", spm.piece(spm.unk())); else model.putNull("unk_token");
            model.putNull("continuing_subword_prefix");
            model.putNull("end_of_word_suffix");
            model.put("fuse_unk", true);
            model.put("byte_fallback", true);
            ObjectNode norm = root.putObject("normalizer");
            norm.put("type", "Sequence");
            ArrayNode ns = norm.putArray("normalizers");
            if (spm.addDummyPrefix()) ns.addObject().put("type", "Prepend").put("prepend", SPACE);
            ObjectNode rep = ns.addObject().put("type", "Replace");
            rep.putObject("pattern").put("String", " ");
            rep.put("content", SPACE);
            root.putNull("pre_tokenizer");
            postProcessor(root, tok);
            ObjectNode dec = root.putObject("decoder");
            dec.put("type", "Sequence");
            ArrayNode ds = dec.putArray("decoders");
            ObjectNode r = ds.addObject().put("type", "Replace");
            r.putObject("pattern").put("String", SPACE);
            r.put("content", " ");
            ds.addObject().put("type", "ByteFallback");
            ds.addObject().put("type", "Fuse");
            ds.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        } else if (tok instanceof ByteLevelBpeTokenizer bpe) {
            for (int i = 0; i < bpe.vocabSize(); i++) {
                if (bpe.isSpecial(i)) addToken(added, i, bpe.piece(i), true);
                else vocab.put(bpe.piece(i), i);
            }
            bpe.mergeStrings().forEach(merges::add);
            model.putNull("unk_token");
            model.putNull("continuing_subword_prefix");
            model.putNull("end_of_word_suffix");
            model.put("fuse_unk", false);
            model.put("byte_fallback", false);
            model.put("ignore_merges", bpe.ignoreMerges());
            if (bpe.nfc()) root.putObject("normalizer").put("type", "NFC"); else root.putNull("normalizer");
            ObjectNode pre = root.putObject("pre_tokenizer");
            pre.put("type", "Sequence");
            ArrayNode ps = pre.putArray("pretokenizers");
            ObjectNode split = ps.addObject().put("type", "Split");
            split.putObject("pattern").put("Regex", bpe.pattern());
            split.put("behavior", "Isolated").put("invert", false);
            ps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", false);
            postProcessor(root, tok);
            root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        } else {
            throw new IllegalArgumentException("cannot write tokenizer " + tok.getClass().getSimpleName());
        }
        model.set("vocab", vocab);
        model.set("merges", merges);
        root.set("model", model);
        om.writeValue(dir.resolve("tokenizer.json").toFile(), root);

        ObjectNode cfg = om.createObjectNode();
        cfg.put("add_bos_token", tok.addBos());
        cfg.put("add_eos_token", false);
        if (tok.bos() >= 0) cfg.put("bos_token", tok.piece(tok.bos())); else cfg.putNull("bos_token");
        if (tok.eos() >= 0) cfg.put("eos_token", tok.piece(tok.eos()));
        cfg.put("tokenizer_class", tok instanceof SentencePieceTokenizer ? "LlamaTokenizerFast" : "PreTrainedTokenizerFast");
        cfg.put("clean_up_tokenization_spaces", false);
        om.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
    }

    private static void addToken(ArrayNode added, int id, String content, boolean special) {
        added.addObject().put("id", id).put("content", content).put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", !special).put("special", special);
    }

    private static void postProcessor(ObjectNode root, Tokenizer tok) {
        if (!tok.addBos() || tok.bos() < 0) {
            root.putNull("post_processor");
            return;
        }
        String bos = tok.piece(tok.bos());
        ObjectNode pp = root.putObject("post_processor");
        pp.put("type", "TemplateProcessing");
        ArrayNode single = pp.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = pp.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode st = pp.putObject("special_tokens").putObject(bos);
        st.put("id", bos);
        st.putArray("ids").add(tok.bos());
        st.putArray("tokens").add(bos);
    }
}
