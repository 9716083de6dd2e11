/**
 * The serialisable pruning plan: what every layer keeps (heads, KV groups, MLP channels, whole sub-blocks), read and
 * written as JSON.
 */
package org.prune4j.plan;
