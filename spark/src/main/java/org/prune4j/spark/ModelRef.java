package org.prune4j.spark;

import org.prune4j.model.Model;
import org.prune4j.surgery.Surgery;

import java.io.Serializable;

/**
 * What an executor needs to rebuild a driver-side model: the shared checkpoint file (or the URI each JVM copies it
 * from, {@link RemoteModels}), the driver's fingerprint of it,
 * and the cut to apply (null: the file's own model). A compare grid's pruned models thus evaluate on the executors
 * as the dense one does; a model that cannot be rebuilt from the file (views, partial cuts of sequential
 * calibration, another file) gets no reference and runs on the driver.
 */
record ModelRef(String file, String source, String fingerprint, Surgery.Recipe recipe) implements Serializable {
    /** The reference for a model on the driver, or null when the executors cannot rebuild it. */
    static ModelRef of(Model m, SparkPassExecutor files) {
        if (m.origin() instanceof Model.FileOrigin f && f.path().equals(files.model())) return new ModelRef(files.model(), files.source(), files.fingerprint(), null);
        if (m.origin() instanceof Surgery.Recipe r && r.file().equals(files.model())) return new ModelRef(files.model(), files.source(), files.fingerprint(), r);
        return null;
    }

    /** On an executor: the JVM's mapped file model, or the cut of it this reference names (built once per JVM). */
    Model load() {
        return ExecutorModels.get(this);
    }
}
