package org.prune4j.prune;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.io.ExportFormat;
import org.prune4j.model.Model;
import org.prune4j.util.ProgressListener;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Same inputs and seed: byte-identical pruned files for 1 and 2 threads and across repeated runs in one JVM. */
class DeterminismTest {
    @Test
    void flapExportsAreByteIdenticalForAnyThreadCount() throws Exception {
        Path dir = TestData.tempDir();
        byte[] first = null;
        int i = 0;
        for (int threads : new int[]{1, 2, 2, 1}) {
            try (Model m = TestData.stories()) {
                PruneRequest r = new PruneRequest(PruneRequest.Method.of("flap", 0.2),
                        new PruneRequest.Calibration(SequentialCalibrationTest.TRAIN, 16, 64), null, PruneRequest.Runtime.threads(threads), 3, null);
                Path out = dir.resolve("p" + i++ + ".gguf");
                ExportFormat.GGUF.write(Pruner.run(m, r, l -> ProgressListener.NONE, true).pruned(), out, null, 0, false);
                byte[] bytes = Files.readAllBytes(out);
                if (first == null) first = bytes;
                else assertThat(bytes).as("run %d with %d threads", i, threads).isEqualTo(first);
            }
        }
    }
}
