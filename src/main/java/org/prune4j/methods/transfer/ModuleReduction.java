package org.prune4j.methods.transfer;

import org.prune4j.methods.transfer.ModuleSeries;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.linalg.Decompositions;

import java.util.ArrayList;
import java.util.List;

/**
 * PCA of each module's output series to r dims, fitted on all calibration tokens: the recorded series are the
 * outputs projected on a basis Q (the identity when the hidden size is small, else a randomised range sketch of the
 * outputs), so the top r principal directions of the outputs within span(Q) are the top eigenvectors of the
 * series' own covariance (a Rayleigh–Ritz step: exact PCA when Q is the identity). Each module's series is centred
 * by its mean over all tokens and projected on those r eigenvectors; an eigenvector's sign is fixed so that its
 * largest-magnitude entry is positive, so the reduction is a function of the data (and the sketch seed) alone.
 */
public final class ModuleReduction {
    /**
     * @param windows   per window, per module, the reduced [tokens × r] series (null for a module not recorded)
     * @param lengths   tokens per window
     * @param explained per module, the share of the recorded series' variance the r dims keep (NaN if not recorded)
     */
    public record Reduced(List<float[][]> windows, int[] lengths, int r, double[] explained) {}

    private ModuleReduction() {}

    public static Reduced pca(ModuleSeries s, int r) {
        int m = s.modules(), l = s.dims(), nw = s.windows();
        int[] lengths = new int[nw];
        for (int w = 0; w < nw; w++) lengths[w] = s.length(w);
        List<float[][]> out = new ArrayList<>();
        for (int w = 0; w < nw; w++) out.add(new float[m][]);
        double[] explained = new double[m];
        for (int mod = 0; mod < m; mod++) {
            if (s.series(0, mod) == null) {
                explained[mod] = Double.NaN;
                continue;
            }
            double[] mean = new double[l];
            long n = 0;
            for (int w = 0; w < nw; w++) {
                float[] x = s.series(w, mod);
                for (int t = 0; t < lengths[w]; t++) for (int c = 0; c < l; c++) mean[c] += x[t * l + c];
                n += lengths[w];
            }
            for (int c = 0; c < l; c++) mean[c] /= n;
            DenseMatrix cov = DenseMatrix.zeros(l, l);
            for (int w = 0; w < nw; w++) {
                float[] x = s.series(w, mod);
                for (int t = 0; t < lengths[w]; t++) {
                    for (int i = 0; i < l; i++) {
                        double xi = x[t * l + i] - mean[i];
                        for (int j = i; j < l; j++) cov.data()[i * l + j] += xi * (x[t * l + j] - mean[j]);
                    }
                }
            }
            for (int i = 0; i < l; i++) for (int j = 0; j < i; j++) cov.data()[i * l + j] = cov.data()[j * l + i];
            int k = Math.min(r, l);
            Decompositions.Eigen e = Decompositions.symmetricEigen(cov);
            DenseMatrix v = topVectors(e, k);
            double total = 0, kept = 0;
            for (int i = 0; i < l; i++) total += Math.max(0, e.values()[i]);
            for (int i = 0; i < k; i++) kept += Math.max(0, e.values()[i]);
            explained[mod] = total > 0 ? kept / total : 0;
            for (int w = 0; w < nw; w++) {
                float[] x = s.series(w, mod);
                float[] y = new float[lengths[w] * r];
                for (int t = 0; t < lengths[w]; t++) {
                    for (int c = 0; c < k; c++) {
                        double acc = 0;
                        for (int i = 0; i < l; i++) acc += (x[t * l + i] - mean[i]) * v.get(i, c);
                        y[t * r + c] = (float) acc;
                    }
                }
                out.get(w)[mod] = y;
            }
        }
        return new Reduced(out, lengths, r, explained);
    }

    /** The k leading eigenvectors as columns, each signed so its largest-magnitude entry is positive. */
    static DenseMatrix topVectors(Decompositions.Eigen e, int k) {
        DenseMatrix all = e.vectors();
        int l = all.rows();
        DenseMatrix v = DenseMatrix.zeros(l, k);
        for (int c = 0; c < k; c++) {
            int arg = 0;
            for (int i = 1; i < l; i++) if (Math.abs(all.get(i, c)) > Math.abs(all.get(arg, c))) arg = i;
            double sign = all.get(arg, c) < 0 ? -1 : 1;
            for (int i = 0; i < l; i++) v.set(i, c, sign * all.get(i, c));
        }
        return v;
    }

    /** The recorded series as they are (the per-token norm form: r = 1, nothing to fit). */
    public static Reduced asRecorded(ModuleSeries s) {
        int m = s.modules(), nw = s.windows();
        int[] lengths = new int[nw];
        List<float[][]> out = new ArrayList<>();
        for (int w = 0; w < nw; w++) {
            lengths[w] = s.length(w);
            float[][] row = new float[m][];
            for (int mod = 0; mod < m; mod++) row[mod] = s.series(w, mod);
            out.add(row);
        }
        double[] explained = new double[m];
        java.util.Arrays.fill(explained, Double.NaN);
        return new Reduced(out, lengths, s.dims(), explained);
    }
}
