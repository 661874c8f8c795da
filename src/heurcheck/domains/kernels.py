"""Compiled float kernels for the exact permanent and hafnian, when numba is installed (extra `fast`).

numba (a maintained JIT compiler for numpy code) compiles these loops to machine code; they are
the float paths of `permanent` and `hafnian` from `COMPILED_FROM_N` on, and the numpy / Python
paths stay the fallback without numba (and the only path for exact numbers). Compiled code is
cached on disk (`cache=True`), so a machine compiles each kernel once.

- Permanent: Glynn's formula over d in {+-1}^n with d_1 = 1, with the column sums of each term
  computed afresh as (sums of the low half of d) + (sums of the high half) from two tables, as
  the numpy path does: no drift from updating sums along a Gray code, and each term is summed
  into its high half's block before the blocks are summed with compensation (Neumaier).
- Hafnian: Bjorklund's recursion ("Counting perfect matchings as fast as Ryser", SODA 2012): for
  the last two indices u, v, haf = H(B'', q (1 + x B_uv)) - H(B', q), where B' drops u and v and
  B''_ij = B'_ij + x (B_iu B_vj + B_iv B_uj), over matrices of polynomials truncated at degree
  n/2, and H(empty, q) is the coefficient of x^(n/2) in q: O(n^4 2^(n/2)) operations at worst
  against the subset programme's O(n 2^n). The 2^(n/2) leaves are visited in order, each level
  recomputed only when its choice changes, and their signed values summed with compensation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

COMPILED_FROM_N = 14  # below this the numpy and Python paths take milliseconds: no compile is worth it


@cache
def _kernels() -> tuple[Callable[..., float], Callable[..., float]] | None:
    """(permanent, hafnian) compiled, or None when numba is not installed."""
    try:
        from ._compiled import bjorklund, glynn_table
    except ImportError:
        return None
    return glynn_table, bjorklund


def compiled_available() -> bool:
    return _kernels() is not None


def permanent_kernel(a: np.ndarray, low_sums: np.ndarray, low_sign: np.ndarray, high_sums: np.ndarray,
                     high_sign: np.ndarray) -> float | None:
    """The Glynn sum over the two tables (see `permanent.truth.glynn_float`), not yet divided by
    2^(n-1); None without numba."""
    kernels = _kernels()
    if kernels is None:
        return None
    return float(kernels[0](a, low_sums, low_sign.astype(np.float64), high_sums, high_sign.astype(np.float64)))


def hafnian_kernel(a: np.ndarray) -> float | None:
    """haf(a) of a symmetric float matrix of even order by Bjorklund's recursion; None without numba."""
    kernels = _kernels()
    if kernels is None:
        return None
    return float(kernels[1](np.ascontiguousarray(a, dtype=np.float64)))
