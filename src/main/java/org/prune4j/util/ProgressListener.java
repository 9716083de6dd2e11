package org.prune4j.util;

/** Progress callback of long work (units done, units total); the CLI draws it as a bar, the library ignores it. */
@FunctionalInterface
public interface ProgressListener {
    void update(long done, long total);

    ProgressListener NONE = (d, t) -> {};
}
