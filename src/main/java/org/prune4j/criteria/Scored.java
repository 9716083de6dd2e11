package org.prune4j.criteria;

/**
 * What scoring returns: the scores and the method's own evidence for the report and figures (null when it has
 * none), so no criterion keeps per-run state.
 */
public record Scored(Scores scores, Object details) {}
