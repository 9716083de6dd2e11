package org.prune4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp(x) on float vectors from IEEE add/multiply only (Cephes' expf: x = n·ln2 + r, a degree-6 polynomial in r,
 * then 2ⁿ in the exponent bits), within 2 ulp. The Vector API's {@code EXP} is an SVML intrinsic once compiled but
 * a per-lane {@code Math.exp} when interpreted, so the same input could give different bits before and after
 * warm-up; this one gives the same bits in every tier and on every thread.
 */
public final class VecMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f, MAGIC = 12582912f; // 1.5·2²³ rounds to nearest
    private static final float C1 = 0.693359375f, C2 = -2.12194440e-4f;
    private static final float HI = 88.3762626647949f, LO = -87.3365447504f;

    private VecMath() {}

    public static FloatVector exp(FloatVector x) {
        x = x.min(HI).max(LO);
        FloatVector n = x.mul(LOG2E).add(MAGIC).sub(MAGIC);
        FloatVector r = x.sub(n.mul(C1)).sub(n.mul(C2));
        FloatVector p = r.mul(1.9875691500E-4f).add(1.3981999507E-3f);
        p = p.mul(r).add(8.3334519073E-3f);
        p = p.mul(r).add(4.1665795894E-2f);
        p = p.mul(r).add(1.6666665459E-1f);
        p = p.mul(r).add(5.0000001201E-1f);
        p = p.mul(r.mul(r)).add(r).add(1f);
        IntVector e = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(e.reinterpretAsFloats());
    }

    /** The scalar twin of {@link #exp(FloatVector)} for loop tails: the same operations, the same bits. */
    public static float exp(float x) {
        x = Math.max(Math.min(x, HI), LO);
        float n = x * LOG2E + MAGIC - MAGIC;
        float r = x - n * C1 - n * C2;
        float p = r * 1.9875691500E-4f + 1.3981999507E-3f;
        p = p * r + 8.3334519073E-3f;
        p = p * r + 4.1665795894E-2f;
        p = p * r + 1.6666665459E-1f;
        p = p * r + 5.0000001201E-1f;
        p = p * (r * r) + r + 1f;
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
