// Is MINI-LLM's gradient signal there, or is it Wanda in disguise? Per layer, the Spearman correlation between
// MINI-LLM group scores (zeroth-order ĝ) and the exact-gradient FMS scores Σ|W·g·x̄| (prune4j's backprop), for
// q in {1, 4, 16, 64, 256}, each probe scope, over seeds; and of each with the gradient-free group Σ|W|·x̄ (MINI-LLM
// with ĝ ≡ 1) and with Wanda-SP's ranking.
// Run: tools/experiments/zo-study.sh [scopes] [seeds]   (builds the jar first; stories260K, 10 x 128 calibration)
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.calib.CalibrationSet;
import org.prune4j.criteria.*;
import org.prune4j.engine.Transformer;
import org.prune4j.grad.Backprop;
import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;

import java.nio.file.Path;
import java.util.*;
import java.util.stream.IntStream;

public class ZoStudy {
    static final int[] QS = {1, 4, 16, 64, 256};

    public static void main(String[] args) throws Exception {
        String[] scopes = (args.length > 0 ? args[0] : "global,layer,module").split(",");
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        // "deep LAYER QMAX": layer scope on one layer only, q up to QMAX (how far q must grow for the signal)
        boolean deep = scopes[0].equals("deep");
        int deepLayer = deep ? Integer.parseInt(args[1]) : -1, qMax = deep ? Integer.parseInt(args[2]) : 256;
        if (deep) { scopes = new String[]{"layer"}; seeds = 1; }
        int[] qs = deep ? IntStream.iterate(1, q -> q <= qMax, q -> q * 4).toArray() : QS;
        Model m = ModelLoader.load(Path.of("data/stories260K/stories260K.bin"), Path.of("data/stories260K/tok512.bin"));
        CalibrationSet cs = CalibrationSet.sample(Path.of("data/tinystories/TinyStories-train.head1000rows.sel596.txt"), m.tokenizer(), 10, 128, 0);
        try (Transformer tf = new Transformer(m, 2)) {
            ScoringContext base = new ScoringContext(m, cs.sequences(), 0, tf, new CalibrationRunner(4096, (d, t) -> {}));
            MiniLlmCriterion ref = (MiniLlmCriterion) new MiniLlmCriterion().configure(MethodOptions.NONE);
            int[] layers = ref.layers(m.config());
            var x = MiniLlmCriterion.inputs(base);
            GroupSalience exact = new GroupSalience("fms-exact", m.config(), m.weights().layers(), GroupSalience.Reduction.SUM_OF_ABS,
                    x::l2, new HashSet<>(IntStream.of(layers).boxed().toList()));
            Backprop.Loss loss = new Backprop(m, tf.parallel()).run(cs.sequences(), exact, (d, t) -> {});
            Scores fms = exact.scores();
            // MINI-LLM with ĝ ≡ 1: Σ|W|·x̄ over the same groups (what a gradient-free estimate collapses to).
            GroupSalience flat = new GroupSalience("w-x", m.config(), m.weights().layers(), GroupSalience.Reduction.SUM_OF_ABS,
                    x::l2, new HashSet<>(IntStream.of(layers).boxed().toList()));
            for (int l : layers) {
                for (var role : org.prune4j.model.TensorRole.LINEAR) {
                    var w = m.weights().layers().get(l).weight(role);
                    float[] ones = new float[w.rows() * w.cols()];
                    Arrays.fill(ones, 1f);
                    flat.accept(l, role, w, ones);
                }
            }
            Scores wx = flat.scores();
            Scores wanda = new WandaSpCriterion().score(base);
            Scores taylor = new TaylorCriterion().score(base);
            System.out.printf("# stories260K, calibration 10 x 128 (TinyStories train, seed 0), loss %.4f, scored layers %s%n", loss.mean(), Arrays.toString(layers));
            System.out.println("| pair | " + cols(layers) + " |");
            System.out.println("|---|" + "---|".repeat(layers.length));
            System.out.println("| exact FMS vs wanda-sp (channels / heads) | " + row(layers, l -> fmt(spearman(fms.channels()[l], wanda.channels()[l])) + " / " + fmt(spearman(fms.heads()[l], wanda.heads()[l]))) + " |");
            System.out.println("| exact FMS vs group Σ|W|·x̄ (channels / heads) | " + row(layers, l -> fmt(spearman(fms.channels()[l], wx.channels()[l])) + " / " + fmt(spearman(fms.heads()[l], wx.heads()[l]))) + " |");
            System.out.println("| group Σ|W|·x̄ vs wanda-sp (channels / heads) | " + row(layers, l -> fmt(spearman(wx.channels()[l], wanda.channels()[l])) + " / " + fmt(spearman(wx.heads()[l], wanda.heads()[l]))) + " |");
            System.out.println("| exact FMS vs taylor element1 (channels / heads) | " + row(layers, l -> fmt(spearman(fms.channels()[l], taylor.channels()[l])) + " / " + fmt(spearman(fms.heads()[l], taylor.heads()[l]))) + " |");
            for (String scope : scopes) {
                // [q][layer][seed] for channels and heads, vs FMS and vs Wanda
                double[][][] cF = new double[qs.length][layers.length][seeds], hF = new double[qs.length][layers.length][seeds];
                double[][][] cW = new double[qs.length][layers.length][seeds], hW = new double[qs.length][layers.length][seeds];
                double[][][] cX = new double[qs.length][layers.length][seeds], hX = new double[qs.length][layers.length][seeds];
                long t0 = System.nanoTime();
                for (int s = 0; s < seeds; s++) {
                    ScoringContext ctx = new ScoringContext(m, cs.sequences(), s, tf, new CalibrationRunner(4096, (d, t) -> {}));
                    ctx.supply(Evidence.ACTIVATION_MOMENTS, base.moments());
                    Map<String, String> o = new HashMap<>(Map.of("zo-scope", scope, "zo-samples", "" + qs[qs.length - 1]));
                    if (deep) o.put("layer-range", deepLayer + ":" + (deepLayer + 1));
                    MiniLlmCriterion c = (MiniLlmCriterion) new MiniLlmCriterion().configure(new MethodOptions(o));
                    var probes = c.probes(ctx);
                    double[] cs1 = c.runProbes(ctx, probes);
                    int units = probes.size() / qs[qs.length - 1];
                    for (int qi = 0; qi < qs.length; qi++) {
                        Scores est = c.scores(ctx, probes, cs1, qs[qi] * units);
                        for (int li = 0; li < layers.length; li++) {
                            int l = layers[li];
                            if (deep && l != deepLayer) continue;
                            cF[qi][li][s] = spearman(est.channels()[l], fms.channels()[l]);
                            hF[qi][li][s] = spearman(est.heads()[l], fms.heads()[l]);
                            cW[qi][li][s] = spearman(est.channels()[l], wanda.channels()[l]);
                            hW[qi][li][s] = spearman(est.heads()[l], wanda.heads()[l]);
                            cX[qi][li][s] = spearman(est.channels()[l], wx.channels()[l]);
                            hX[qi][li][s] = spearman(est.heads()[l], wx.heads()[l]);
                        }
                    }
                    System.err.printf("scope %s seed %d done (%d probes, %.0f s)%n", scope, s, probes.size(), (System.nanoTime() - t0) / 1e9);
                }
                System.out.printf("%n## scope %s: Spearman ρ, mean ± std over %d seeds (%.0f s)%n", scope, seeds, (System.nanoTime() - t0) / 1e9);
                System.out.println("| q | vs exact FMS, channels: " + cols(layers) + " | vs exact FMS, heads: " + cols(layers)
                        + " | vs group Σ|W|·x̄, channels: " + cols(layers) + " | vs group Σ|W|·x̄, heads: " + cols(layers)
                        + " | vs wanda-sp, channels: " + cols(layers) + " | vs wanda-sp, heads: " + cols(layers) + " |");
                System.out.println("|---|" + "---|".repeat(6 * layers.length));
                for (int qi = 0; qi < qs.length; qi++) {
                    final int q = qi;
                    System.out.println("| " + qs[qi] + " | " + row(layers, li2(layers, li -> ms(cF[q][li]))) + " | " + row(layers, li2(layers, li -> ms(hF[q][li])))
                            + " | " + row(layers, li2(layers, li -> ms(cX[q][li]))) + " | " + row(layers, li2(layers, li -> ms(hX[q][li])))
                            + " | " + row(layers, li2(layers, li -> ms(cW[q][li]))) + " | " + row(layers, li2(layers, li -> ms(hW[q][li]))) + " |");
                }
            }
        }
    }

    interface L2S { String f(int l); }

    static L2S li2(int[] layers, java.util.function.IntFunction<String> byIndex) {
        return l -> { for (int i = 0; i < layers.length; i++) if (layers[i] == l) return byIndex.apply(i); return ""; };
    }

    static String cols(int[] layers) { return String.join(" | ", Arrays.stream(layers).mapToObj(l -> "L" + l).toList()); }
    static String row(int[] layers, L2S f) { return String.join(" | ", Arrays.stream(layers).mapToObj(f::f).toList()); }
    static String fmt(double v) { return String.format("%.3f", v); }

    static String ms(double[] v) {
        double mean = Arrays.stream(v).average().orElse(Double.NaN), var = 0;
        for (double x : v) var += (x - mean) * (x - mean);
        return String.format("%.2f±%.2f", mean, Math.sqrt(var / Math.max(1, v.length - 1)));
    }

    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a), rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0), mb = Arrays.stream(rb).average().orElse(0), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    static double[] ranks(double[] v) {
        Integer[] idx = IntStream.range(0, v.length).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) j++;
            for (int k = i; k <= j; k++) r[idx[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return r;
    }
}
