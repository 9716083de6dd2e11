/**
 * Calibration: windows sampled from text (plain, jsonl, parquet), the runner that packs them into passes and folds
 * mergeable {@link org.prune4j.calib.Collector} states in window order (so a distributed run gives the same bits),
 * and the generic collectors (activation moments, layer similarity, linear-input statistics).
 */
package org.prune4j.calib;
