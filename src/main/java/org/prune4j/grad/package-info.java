/**
 * Exact backpropagation of the mean next-token loss with layer checkpointing; each weight's gradient is streamed to
 * a sink as soon as it is complete.
 */
package org.prune4j.grad;
