/**
 * The inference engine: a transformer whose layers may all differ in shape (per-layer heads, KV groups, MLP widths,
 * absent sub-blocks), batched prefill and decode with a KV cache, activation taps, and token scoring.
 */
package org.prune4j.engine;
