package org.prune4j.tokenizer;

/** Text ↔ token ids. {@link #encode} never adds BOS/EOS: callers decide, following {@link #addBos()}. */
public interface Tokenizer {
    int vocabSize();

    int[] encode(String text);

    /** Decodes ids to text; {@code afterBos} applies the SentencePiece rule that strips the first leading space. */
    String decode(int[] ids, boolean afterBos);

    /** The raw piece string of one id (diagnostics and GGUF export). */
    String piece(int id);

    /** -1 when the vocabulary has no such token. */
    int bos();

    int eos();

    /** Whether the model expects BOS before every document (LLaMA-2: yes; Qwen2: no). */
    boolean addBos();

    /** A short name of the family: "spm" or "bpe" (as GGUF's tokenizer.ggml.model says llama / gpt2). */
    String kind();
}
