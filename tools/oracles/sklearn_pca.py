# scikit-learn PCA as a test oracle (never a runtime dependency): reads X [n x d] little-endian float64, writes the
# transformed X [n x k] and then the k explained-variance ratios, float64 little-endian.
# usage: sklearn_pca.py X_FILE N D K OUT_FILE
import sys
import numpy as np
from sklearn.decomposition import PCA

x_file, n, d, k, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
x = np.fromfile(x_file, dtype="<f8").reshape(n, d)
pca = PCA(n_components=k, svd_solver="full")
y = pca.fit_transform(x)
np.concatenate([y.astype("<f8").ravel(), pca.explained_variance_ratio_.astype("<f8")]).tofile(out)
