// Cost of exact gradients against a forward pass of the same code over the same windows, alternating in one JVM
// (this VM's speed drifts): loss only (forward, activations dropped) vs loss + every gradient (forward with layer
// checkpoints, then per layer recompute + backward), on a synthetic checkpoint of a real model's shape.
// Run: java --add-modules jdk.incubator.vector -cp target/prune4j.jar:target/lib/* tools/experiments/BackpropBench.java [shape] [windows] [len]
import org.prune4j.grad.Backprop;
import org.prune4j.grad.GradientSink;
import org.prune4j.kernel.Parallel;
import org.prune4j.model.Model;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

public class BackpropBench {
    public static void main(String[] a) {
        String shape = a.length > 0 ? a[0] : "smollm-135m";
        int n = a.length > 1 ? Integer.parseInt(a[1]) : 4, len = a.length > 2 ? Integer.parseInt(a[2]) : 128;
        Model m = SyntheticModel.create(SyntheticModel.preset(shape), 1, DType.BF16);
        SplittableRandom r = new SplittableRandom(1);
        List<int[]> w = new ArrayList<>();
        for (int i = 0; i < n; i++) w.add(r.ints(len, 0, m.config().vocab()).toArray());
        long params = m.config().layerParameters();
        try (Parallel par = new Parallel(2)) {
            Backprop bp = new Backprop(m, par);
            GradientSink drop = (layer, role, g) -> {};
            bp.loss(w);
            bp.run(w, drop, (d, t) -> {});
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                bp.loss(w);
                long t1 = System.nanoTime();
                bp.run(w, drop, (d, t) -> {});
                long t2 = System.nanoTime();
                double fwd = (t1 - t0) / 1e9, full = (t2 - t1) / 1e9, flops = 2.0 * params * n * len;
                System.out.printf("%s %d x %d: forward %.2f s (%.1f GFLOP/s in the layers), loss + gradients %.2f s = %.2f x forward%n",
                        shape, n, len, fwd, flops / fwd / 1e9, full, full / fwd);
            }
        }
    }
}
