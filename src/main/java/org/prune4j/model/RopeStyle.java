package org.prune4j.model;

/**
 * How q/k rows pair up under rotary embedding. llama2.c and GGUF {@code llama} store rows so that dimensions
 * (2i, 2i+1) rotate together; Hugging Face checkpoints store them permuted so that (i, i + d/2) rotate together.
 * The engine runs either natively, so no loader has to copy weights to re-order them.
 */
public enum RopeStyle {
    INTERLEAVED,
    HALF
}
