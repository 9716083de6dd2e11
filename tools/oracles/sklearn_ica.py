#!/usr/bin/env python3
"""Test-time oracle: scikit-learn's FastICA (Debian python3-sklearn) on a matrix written by a test.

Usage: sklearn_ica.py X.f64 N K WINIT.f64|- SEED OUT.f64
X.f64: N x K float64 little-endian, row-major (samples x features). WINIT.f64: K x K initial unmixing, or "-" to let
sklearn draw its own from SEED. Writes the N x K sources of FastICA(whiten='unit-variance', fun='cube', max_iter=300,
tol=1e-4).fit_transform(X) to OUT.f64.
"""
import sys
import warnings

import numpy as np
from sklearn.decomposition import FastICA

x_path, n, k, w_path, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6]
x = np.fromfile(x_path, dtype="<f8").reshape(n, k)
w_init = None if w_path == "-" else np.fromfile(w_path, dtype="<f8").reshape(k, k)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    ica = FastICA(n_components=k, whiten="unit-variance", fun="cube", max_iter=300, tol=1e-4, w_init=w_init, random_state=seed)
    s = ica.fit_transform(x)
s.astype("<f8").tofile(out)
print(ica.n_iter_)
