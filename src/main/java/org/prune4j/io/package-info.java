/**
 * Model formats: GGUF, safetensors (HF folders, sharded), llama2.c checkpoints; validated zero-copy reading and
 * atomic writing.
 */
package org.prune4j.io;
