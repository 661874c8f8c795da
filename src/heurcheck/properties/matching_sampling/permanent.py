"""matching-sampling on permanents: Y = perm(A) = E_x[prod_k x_k prod_i (A x)_i] over x uniform in {+-1}^n
(Glynn's estimator, the domain's Monte Carlo); contexts are random Gaussian matrices."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from ...domains.permanent import Matrix, permanent
from . import Reference


class PermanentMatchingSampling:
    def contexts(self, m: int, seed: int, params: Mapping[str, Any]) -> list[Matrix]:
        n = params["n"]
        return [Matrix(tuple(tuple(float(v) for v in row)
                             for row in np.random.default_rng([seed, i, n]).standard_normal((n, n))))
                for i in range(m)]

    def describe(self, params: Mapping[str, Any]) -> str:
        return f"random {params['n']} x {params['n']} matrices with independent N(0, 1) entries"

    def reference(self, x: Matrix, samples: int, seed: int) -> Reference:
        """Exact: perm(A), and Var X = E[X^2] - perm(A)^2 with E[X^2] the mean of X^2 over all 2^n sign
        vectors (X = prod_k x_k prod_i (A x)_i, Glynn's estimator)."""
        a = np.array([[float(v) for v in row] for row in x.entries])
        signs = np.array(list(itertools.product((-1.0, 1.0), repeat=x.n)))
        second = float((((signs @ a.T).prod(axis=1)) ** 2).mean())
        y = float(permanent(x.entries))
        return Reference(y, 0.0, max(0.0, second - y * y))

    def sample_cost(self, x: Matrix) -> int:
        """One Glynn sample: n signs drawn, A x (n^2 multiplications, n (n - 1) additions), the product of
        its n entries and of the n signs (n - 1 multiplications each), and their product."""
        n = x.n
        return n + n * (2 * n - 1) + 2 * (n - 1) + 1

    def forward(self, x: Matrix, xp: Any) -> Any:
        raise NotImplementedError("no array form of one sample here: its cost is counted by sample_cost")


FACET = PermanentMatchingSampling()
