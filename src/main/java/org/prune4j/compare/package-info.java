/**
 * The comparison grid behind {@code prune4j compare}: the dense model once, every method at every ratio (each scored
 * once), perplexity, zero-shot tasks and speed per cell, resumable, with its CSV, JSON, Markdown and index.html
 * outputs.
 */
package org.prune4j.compare;
