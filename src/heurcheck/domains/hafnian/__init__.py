"""Hafnians: Y = E[Z_1...Z_n] = haf(Sigma) for Z ~ N(0, Sigma), multiplied along a product tree.

JSON form (numbers are ints, decimals read exactly, or strings "p/q")::

    {"domain": "hafnian", "matrix": [[2, 1, 0, 1], [1, 2, 1, 0], [0, 1, 2, 1], [1, 0, 1, 2]],
     "tree": [[0, 1], [2, 3]]}

A hafnian covariance is symmetric (not necessarily PSD) with 1 <= n <= 60; `tree` is an optional
product tree, nested pairs of 0-based indices using every index once (n = 1: the bare index 0);
the default is balanced (first half left). The product tree only matters to estimators that
propagate along it.

Exact truth: dynamic programming over subsets, always pairing the lowest unpaired index,
haf(S) = sum_{j in S, j != i} Sigma_ij haf(S - {i, j}) with i = min S, memoised on bitmasks:
at most O(n 2^n) operations instead of (n-1)!! matchings (measured: 0.2 s at n = 24, 2 s at
n = 28, 25 s at n = 32); 0 for odd n. Past n = 28, `TruthTooExpensive`.

Monte Carlo: the product Z_1...Z_n of Gaussian samples (Sigma must be PSD).

Hafnians have no argument atoms (the cumulant order is an estimator option).

Modules: `model` (Covariance, product trees, the circuit view), `truth`, `strategies`, `domain`.
"""

from __future__ import annotations

from .domain import DOMAIN, HAFNIAN, HafnianDomain
from .model import MAX_HAFNIAN_N, Covariance, Tree, balanced_tree, check_tree, hafnian_circuit, node_id, tree_leaves
from .strategies import covariances
from .truth import MAX_HAFNIAN_TRUTH_N, hafnian, is_psd, naive_hafnian

__all__ = [
    "DOMAIN", "HAFNIAN", "MAX_HAFNIAN_N", "MAX_HAFNIAN_TRUTH_N", "Covariance", "HafnianDomain", "Tree",
    "balanced_tree", "check_tree", "covariances", "hafnian", "hafnian_circuit", "is_psd", "naive_hafnian",
    "node_id", "tree_leaves",
]
