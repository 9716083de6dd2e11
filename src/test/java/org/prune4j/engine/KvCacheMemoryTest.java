package org.prune4j.engine;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The KV cache's memory check must not count uncollected garbage as used heap: a long calibration leaves the heap
 * full of dead pass buffers, and an executor once refused a 0.01 GiB cache with "0.01 GiB free" that way.
 */
class KvCacheMemoryTest {
    @Test
    void garbageOnTheHeapDoesNotRefuseACacheThatFitsAfterACollection() {
        ModelConfig c;
        try (Model m = ModelLoader.load(TestData.STORIES, null)) {
            ModelConfig s = m.config(); // its shapes, with a context long enough for a cache of a gigabyte
            c = new ModelConfig(s.architecture(), s.hidden(), s.vocab(), s.normEps(), s.ropeTheta(), s.ropeScaling(), s.ropeStyle(),
                    s.tiedEmbeddings(), 1 << 24, s.layers());
        }
        long perToken = 0;
        for (int l = 0; l < c.layerCount(); l++) perToken += 2L * c.layer(l).kvDim() * Float.BYTES;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long reallyFree = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        int capacity = (int) Math.min(Integer.MAX_VALUE / 64, (long) (reallyFree * 0.3) / perToken);
        long need = capacity * perToken;
        // Arrays kept alive through a collection are moved to the old generation; dropped afterwards, they stay
        // there as garbage until the next old collection: "used" heap that an allocation would get back.
        java.util.List<byte[]> held = new java.util.ArrayList<>();
        for (long kept = 0; kept < reallyFree * 0.8; kept += 256 << 10) held.add(new byte[256 << 10]);
        System.gc();
        held = null;
        Assumptions.assumeTrue(rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()) < need, "the heap could not be filled with garbage");
        KvCache cache = new KvCache(c, capacity);
        assertThat(cache.capacity()).isEqualTo(capacity);
    }
}
