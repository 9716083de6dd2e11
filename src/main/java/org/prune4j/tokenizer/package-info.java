/**
 * Tokenizers: SentencePiece-style (llama2.c, GGUF) and Hugging Face tokenizer.json (BPE), checked against Hugging
 * Face's own library.
 */
package org.prune4j.tokenizer;
