/**
 * Evaluation: perplexity under the papers' protocols (documents, stream, word, llm-pruner) and zero-shot tasks
 * scored as lm-evaluation-harness does.
 */
package org.prune4j.eval;
