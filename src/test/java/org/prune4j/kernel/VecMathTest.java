package org.prune4j.kernel;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The deterministic vector exp: close to Math.exp, and the vector and scalar forms agree bit for bit. */
class VecMathTest {
    @Test
    void expIsAccurateAndTheSameInVectorAndScalarForm() {
        Random rnd = new Random(1);
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[lanes * 4096], y = new float[x.length];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 170 - 85);
        x[0] = 0;
        x[1] = -87f;
        x[2] = 88f;
        for (int i = 0; i < x.length; i += lanes) VecMath.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i)).intoArray(y, i);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToIntBits(y[i])).as("x = %s", x[i]).isEqualTo(Float.floatToIntBits(VecMath.exp(x[i])));
            worst = Math.max(worst, Math.abs(y[i] - Math.exp(x[i])) / Math.exp(x[i]));
        }
        assertThat(worst).isLessThan(3e-7);
        assertThat(VecMath.exp(0f)).isEqualTo(1f);
        assertThat(VecMath.exp(-1000f)).isLessThan(1e-37f);
        assertThat(Float.isFinite(VecMath.exp(1000f))).isTrue();
    }

    @Test
    void laneSumIsInLaneOrder() {
        float[] v = new float[FloatVector.SPECIES_PREFERRED.length()];
        v[0] = 1e8f;
        v[1] = 1f;
        v[v.length - 1] = -1e8f;
        // In lane order (1e8 + 1) rounds to 1e8, so the sum is 0: a fixed order, whatever the tier.
        assertThat(Gemm.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, v, 0))).isEqualTo(0f);
    }
}
