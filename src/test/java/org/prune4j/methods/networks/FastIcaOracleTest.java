package org.prune4j.methods.networks;

import org.prune4j.methods.networks.FastIca;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.TestData;
import org.prune4j.linalg.DenseMatrix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * prune4j's whitening + FastICA (cube, symmetric) against scikit-learn's FastICA (Debian python3-sklearn, installed
 * by .ci/run) on the same matrices: with the same initial W the sources agree to rounding; with sklearn's own
 * random start they agree up to sign and permutation; planted heavy-tailed sources are recovered (Amari index).
 */
class FastIcaOracleTest {
    @TempDir Path tmp;

    /** n samples of k independent non-Gaussian sources (Laplace, uniform, cubed Gaussian) mixed by a random matrix. */
    record Planted(DenseMatrix x, DenseMatrix mixing) {}

    static Planted planted(int n, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DenseMatrix s = DenseMatrix.zeros(n, k), a = DenseMatrix.zeros(k, k);
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < k; j++) {
                double u = r.nextDouble();
                double v = switch (j % 3) {
                    case 0 -> (u < 0.5 ? 1 : -1) * Math.log(1 - 2 * Math.abs(u - 0.5) + 1e-300); // Laplace
                    case 1 -> Math.sqrt(3) * (2 * u - 1);                                          // uniform
                    default -> Math.pow(Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * r.nextDouble()), 3);
                };
                s.set(t, j, v);
            }
        }
        for (int i = 0; i < k * k; i++) a.data()[i] = r.nextDouble() * 2 - 1;
        return new Planted(s.times(a.transpose()), a);
    }

    @Test
    void sameStartGivesSklearnsSources() throws Exception {
        Planted p = planted(3000, 6, 1);
        DenseMatrix w0 = FastIca.gaussianInit(6, 42);
        FastIca.Result ours = FastIca.run(p.x(), w0, 300, 1e-4);
        DenseMatrix theirs = sklearn(p.x(), w0, 0);
        double diff = ours.sources().maxAbsDiff(theirs);
        System.out.printf("same w_init: max |ours - sklearn| over sources %.2e after %d iterations%n", diff, ours.iterations());
        assertThat(ours.converged()).isTrue();
        assertThat(diff).isLessThan(1e-8);
    }

    @Test
    void ownStartsAgreeUpToSignAndPermutationAndRecoverPlantedSources() throws Exception {
        Planted p = planted(4000, 8, 2);
        FastIca.Result ours = FastIca.run(p.x(), FastIca.gaussianInit(8, 7), 300, 1e-4);
        DenseMatrix theirs = sklearn(p.x(), null, 123);
        double worst = 1;
        for (int i = 0; i < 8; i++) {
            double best = 0;
            for (int j = 0; j < 8; j++) best = Math.max(best, Math.abs(corr(ours.sources(), i, theirs, j)));
            worst = Math.min(worst, best);
        }
        double amari = amari(ours.unmixing().times(p.mixing()));
        System.out.printf("independent starts: worst matched |corr| %.5f; Amari index vs planted mixing %.4f%n", worst, amari);
        assertThat(worst).isGreaterThanOrEqualTo(0.99);
        assertThat(amari).isLessThan(0.05);
    }

    /** Amari index of P = W·A, 0 for a scaled permutation; normalised to [0, 1]. */
    static double amari(DenseMatrix p) {
        int k = p.rows();
        double sum = 0;
        for (int i = 0; i < k; i++) {
            double max = 0, s = 0;
            for (int j = 0; j < k; j++) { double v = Math.abs(p.get(i, j)); s += v; max = Math.max(max, v); }
            sum += s / max - 1;
        }
        for (int j = 0; j < k; j++) {
            double max = 0, s = 0;
            for (int i = 0; i < k; i++) { double v = Math.abs(p.get(i, j)); s += v; max = Math.max(max, v); }
            sum += s / max - 1;
        }
        return sum / (2.0 * k * (k - 1));
    }

    static double corr(DenseMatrix a, int i, DenseMatrix b, int j) {
        int n = a.rows();
        double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
        for (int t = 0; t < n; t++) { ma += a.get(t, i); mb += b.get(t, j); }
        ma /= n; mb /= n;
        for (int t = 0; t < n; t++) {
            double x = a.get(t, i) - ma, y = b.get(t, j) - mb;
            sab += x * y; saa += x * x; sbb += y * y;
        }
        return sab / Math.sqrt(saa * sbb);
    }

    private DenseMatrix sklearn(DenseMatrix x, DenseMatrix wInit, long seed) throws Exception {
        Path xf = tmp.resolve("x.f64"), wf = tmp.resolve("w.f64"), out = tmp.resolve("s.f64");
        write(xf, x);
        if (wInit != null) write(wf, wInit);
        Process pr = new ProcessBuilder("/usr/bin/python3", TestData.ROOT.resolve("tools/oracles/sklearn_ica.py").toString(), xf.toString(),
                "" + x.rows(), "" + x.cols(), wInit == null ? "-" : wf.toString(), "" + seed, out.toString()).redirectErrorStream(true).start();
        String log = new String(pr.getInputStream().readAllBytes());
        assertThat(pr.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(pr.exitValue()).as("sklearn oracle (python3-sklearn; .ci/run installs it):\n" + log).isZero();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        DenseMatrix s = DenseMatrix.zeros(x.rows(), x.cols());
        for (int i = 0; i < s.data().length; i++) s.data()[i] = b.getDouble();
        return s;
    }

    private static void write(Path f, DenseMatrix m) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8 * m.data().length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : m.data()) b.putDouble(v);
        Files.write(f, b.array());
    }
}
