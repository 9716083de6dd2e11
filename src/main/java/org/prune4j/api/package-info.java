/**
 * The library's front door: {@link org.prune4j.api.Prune4j#prune} with a {@link org.prune4j.api.PruneSpec} built
 * by name (method, its typed options, calibration from a file or from token windows in memory, target, runtime),
 * returning a {@link org.prune4j.api.Pruned} that carries the pruned model, the plan, the report and
 * {@code write(format, path)}. The CLI and this facade call the same pipeline.
 */
package org.prune4j.api;
