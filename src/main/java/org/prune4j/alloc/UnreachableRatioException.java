package org.prune4j.alloc;

import org.prune4j.util.Prune4jException;

/** A target ratio beyond what a method's structures and constraints allow: a per-ratio outcome, not a broken run. */
public final class UnreachableRatioException extends Prune4jException {
    public UnreachableRatioException(String message) {
        super(message);
    }
}
