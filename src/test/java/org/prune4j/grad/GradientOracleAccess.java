package org.prune4j.grad;

import org.prune4j.model.Model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The torch oracle for tests in other packages. */
public final class GradientOracleAccess {
    private GradientOracleAccess() {}

    public static List<int[]> windows(Model m, int count, int length) throws Exception {
        return BackpropOracleTest.windows(m, count, length);
    }

    /** Gradients and LLM-Pruner Taylor group scores by name. */
    public static Map<String, float[]> run(Model m, List<int[]> windows, Path dir) throws Exception {
        return GradientOracle.run(m, windows, dir, true).gradients();
    }
}
