"""Small estimators written in the whestbench interface (`predict(mlp, budget)` -> (depth, width) means),
for the whest adapter's tests. Plain classes: whestbench's BaseEstimator is not needed to be one."""

from __future__ import annotations

import math

import flopscope.numpy as fnp
import numpy as np


class IndependentUnits:
    """Mean propagation with independent units, written from the closed forms of E relu and E relu^2."""

    def predict(self, mlp, budget):  # type: ignore[no-untyped-def]
        mu, var = np.zeros(mlp.width), np.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            w = np.asarray(w)
            m, v = w.T @ mu, np.maximum((w * w).T @ var, 1e-300)
            s = np.sqrt(v)
            a = m / s
            pdf = np.exp(-a * a / 2) / math.sqrt(2 * math.pi)
            cdf = 0.5 * (1 + np.vectorize(math.erf)(a / math.sqrt(2)))
            mu = m * cdf + s * pdf
            var = np.maximum((m * m + v) * cdf + m * s * pdf - mu * mu, 0.0)
            rows.append(mu)
        return fnp.array(np.stack(rows))


class Spendthrift:
    """Spends far more than any budget: one huge counted product."""

    def predict(self, mlp, budget):  # type: ignore[no-untyped-def]
        big = fnp.ones((2000, 2000))
        for _ in range(1000):
            big = big @ big
        return big[: mlp.depth, : mlp.width]
