/**
 * Small shared pieces: the one-line user-facing exception, registries, progress, process memory.
 */
package org.prune4j.util;
