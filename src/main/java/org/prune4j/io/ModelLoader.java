package org.prune4j.io;

import org.prune4j.model.Model;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.tokenizer.TokenizerBin;
import org.prune4j.tokenizer.TokenizerJson;
import org.prune4j.util.Prune4jException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens any supported checkpoint: a Hugging Face folder, a GGUF file or a llama2.c file, detected from the
 * path and the file's magic, and attaches a tokenizer (the one given, the one inside the file, or one found
 * beside it).
 */
public final class ModelLoader {
    private ModelLoader() {}

    public static Model load(Path model, Path tokenizer) {
        if (!Files.exists(model)) throw Prune4jException.inFile(model, "no such file or folder");
        Model m;
        if (Files.isDirectory(model)) {
            m = HfReader.read(model);
        } else if (isGguf(model)) {
            m = GgufModelReader.read(model);
        } else {
            m = Llama2cReader.read(model);
        }
        Tokenizer tok = tokenizer != null ? readTokenizer(tokenizer, m.config().vocab()) : m.tokenizer();
        if (tok == null) tok = findBeside(model, m.config().vocab());
        if (tok != null && tok.vocabSize() != m.config().vocab()) {
            Object where = tokenizer != null ? tokenizer : model;
            m.close();
            throw Prune4jException.inFile(where, "tokenizer has " + tok.vocabSize() + " tokens but the model's vocabulary is " + m.config().vocab());
        }
        return tok == m.tokenizer() ? m : m.withTokenizer(tok);
    }

    static boolean isGguf(Path p) {
        try (var in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F';
        } catch (java.io.IOException e) {
            throw Prune4jException.inFile(p, "cannot read: " + e.getMessage());
        }
    }

    public static Tokenizer readTokenizer(Path p, int vocab) {
        if (!Files.exists(p)) throw Prune4jException.inFile(p, "no such file");
        String name = p.getFileName().toString();
        if (Files.isDirectory(p)) return readTokenizer(p.resolve("tokenizer.json"), vocab);
        if (name.endsWith(".json")) return TokenizerJson.read(p);
        if (isGguf(p)) {
            try (Model m = GgufModelReader.read(p)) {
                return m.tokenizer();
            }
        }
        return TokenizerBin.read(p, vocab);
    }

    /** llama2.c keeps the tokenizer apart: look for tokenizer.bin or tok{vocab}.bin next to the checkpoint. */
    private static Tokenizer findBeside(Path model, int vocab) {
        Path dir = model.toAbsolutePath().getParent();
        for (String name : new String[]{"tok" + vocab + ".bin", "tokenizer.bin", "tokenizer.json"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return readTokenizer(p, vocab);
        }
        return null;
    }
}
