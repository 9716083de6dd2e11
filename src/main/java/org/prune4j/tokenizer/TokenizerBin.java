package org.prune4j.tokenizer;

import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * llama2.c's {@code tokenizer.bin}: int32 max_token_length, then per token a float32 score, an int32 length and
 * the piece bytes. Pieces use a plain space as the word marker; ids 0/1/2 are {@code <unk>}, {@code <s>},
 * {@code </s>} and {@code <0xNN>} pieces are the byte fallback.
 */
public final class TokenizerBin {
    private TokenizerBin() {}

    public static SentencePieceTokenizer read(Path file, int vocabSize) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw Prune4jException.inFile(file, "cannot read tokenizer: " + e.getMessage());
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        String[] pieces = new String[vocabSize];
        float[] scores = new float[vocabSize];
        int[] types = new int[vocabSize];
        try {
            int maxLen = buf.getInt();
            if (maxLen <= 0 || maxLen > 1 << 16) {
                throw Prune4jException.inFile(file, "not a llama2.c tokenizer.bin (max token length " + maxLen + ")");
            }
            for (int i = 0; i < vocabSize; i++) {
                scores[i] = buf.getFloat();
                int len = buf.getInt();
                if (len < 0 || len > maxLen || len > buf.remaining()) {
                    throw Prune4jException.inFile(file, "token " + i + " has length " + len + " (max " + maxLen + "); file corrupt or truncated");
                }
                byte[] p = new byte[len];
                buf.get(p);
                pieces[i] = new String(p, StandardCharsets.UTF_8);
                types[i] = i == 0 ? SentencePieceTokenizer.UNKNOWN : i <= 2 ? SentencePieceTokenizer.CONTROL
                        : SentencePieceTokenizer.parseByte(pieces[i]) >= 0 ? SentencePieceTokenizer.BYTE : SentencePieceTokenizer.NORMAL;
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw Prune4jException.inFile(file, "truncated: ends before all " + vocabSize + " tokens of the model's vocabulary were read");
        }
        if (buf.remaining() != 0) {
            throw Prune4jException.inFile(file, "has " + buf.remaining() + " bytes after " + vocabSize
                    + " tokens: its vocabulary is larger than the model's (" + vocabSize + ")");
        }
        return new SentencePieceTokenizer(pieces, scores, types, " ", true, 1, 2, 0, true, null);
    }
}
