/**
 * prune4j on Apache Spark ({@code ./prune4j-spark}): the same subcommands with calibration passes, ICA chunks,
 * zero-order probes, zero-shot items and perplexity sequences as Spark tasks, results identical to one machine.
 */
package org.prune4j.spark;
