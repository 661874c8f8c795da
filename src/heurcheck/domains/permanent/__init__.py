"""Permanents: Y = perm(A) for a square matrix A.

JSON form (numbers are ints, decimals read exactly, or strings "p/q")::

    {"domain": "permanent", "matrix": [[1, "1/2"], [0, -1]]}

A permanent matrix is square with 1 <= n <= 30.

Exact truth: Glynn's formula in Gray-code order, O(2^(n-1) n) operations,
perm(A) = 2^-(n-1) sum over d in {+-1}^n with d_1 = 1 of (prod_k d_k) prod_j sum_i d_i a_ij.
Rational matrices are scaled row by row to integers; up to n = 14 the Gray-code loop runs on
Python ints, beyond it a numpy loop computes perm mod several 31-bit primes and recombines
them (Chinese remainders, with the bound |perm B| <= prod_j sum_i |b_ij|). Float matrices use
the same numpy loop in floats. Other number types (sympy) run the generic Gray-code loop.
Ryser's formula (`ryser`) is kept as an independent cross-check. Measured at n = 25: 10 s for a
0/1 matrix, 30 s for small rationals (more primes). Past n = 25, `TruthTooExpensive`.

Monte Carlo: the Glynn (Godsil-Gutman with signs) estimator X = prod_k x_k prod_i (A x)_i with x
uniform in {+-1}^n, unbiased because only bijections survive the expectation.

Argument atoms are facts the estimator is allowed to use: `row-sums`, `col-sums`, `total-sum`,
`entry-multiset`. They carry no payload and are true of every matrix.

Modules: `model` (Matrix, perm(A) as a hafnian), `truth`, `atoms`, `strategies`, `enumerate`
(sign matrices), `symmetry` (the blocks of cells a set of facts preserves, orbits under shuffles of
them), `lifting` (entries as symbols), `domain`. The hafnian domain, which lived in
this module before, is `heurcheck.domains.hafnian`; its names are re-exported here for old imports.
"""

from __future__ import annotations

from ..hafnian import (
    HAFNIAN,
    MAX_HAFNIAN_N,
    MAX_HAFNIAN_TRUTH_N,
    Covariance,
    HafnianDomain,
    Tree,
    balanced_tree,
    check_tree,
    covariances,
    hafnian,
    hafnian_circuit,
    is_psd,
    naive_hafnian,
    node_id,
    tree_leaves,
)
from ..matrixform import Rows
from .atoms import ColSums, EntryMultiset, RowSums, TotalSum
from .domain import DOMAIN, PERMANENT, PermanentDomain
from .model import MAX_PERMANENT_N, Matrix, permanent_as_hafnian
from .strategies import matrices, permanent_arguments
from .symmetry import blocks, orbit, orbit_size
from .truth import MAX_PERMANENT_TRUTH_N, glynn, glynn_float, naive_permanent, permanent, ryser

__all__ = [
    "permanent_arguments",
    "DOMAIN", "HAFNIAN", "MAX_HAFNIAN_N", "MAX_HAFNIAN_TRUTH_N", "MAX_PERMANENT_N", "MAX_PERMANENT_TRUTH_N",
    "PERMANENT", "ColSums", "Covariance", "EntryMultiset", "HafnianDomain", "Matrix", "PermanentDomain", "RowSums",
    "Rows", "TotalSum", "Tree", "balanced_tree", "blocks", "check_tree", "covariances", "glynn", "glynn_float",
    "hafnian", "hafnian_circuit", "is_psd", "matrices", "naive_hafnian", "naive_permanent", "node_id", "orbit",
    "orbit_size", "permanent", "permanent_as_hafnian", "ryser", "tree_leaves",
]
