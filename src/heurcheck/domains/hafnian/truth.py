"""Exact hafnians (dynamic programming over subsets), the naive sum for tests, and the PSD test."""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import numpy as np

from ...errors import TruthTooExpensive
from ...numbers import FRACTION, backend_of
from ..kernels import COMPILED_FROM_N, hafnian_kernel
from ..matrixform import Rows, check_exact_digits, check_float_range, log10_abs

MAX_HAFNIAN_TRUTH_N = 28


def hafnian(rows: Rows) -> Any:
    """haf(Sigma) = sum over perfect matchings of prod Sigma_ij, by DP over subsets: O(n 2^n).

    Rational matrices are scaled to integers first (Sigma'_ij = d_i d_j Sigma_ij, haf scales by prod d_i).
    Floats from n = 14 on use Bjorklund's recursion compiled by numba when it is installed (`..kernels`).
    """
    n = len(rows)
    backend = backend_of([v for r in rows for v in r])
    if n % 2:
        return backend.const(0)
    if n > MAX_HAFNIAN_TRUTH_N:
        raise TruthTooExpensive(
            f"the hafnian of a {n}x{n} matrix: exact truth is limited to n <= {MAX_HAFNIAN_TRUTH_N} "
            f"(O(n 2^n) operations)"
        )
    if backend is FRACTION:
        fr = [[Fraction(v) for v in r] for r in rows]
        d = [math.lcm(*(v.denominator for v in r)) for r in fr]
        ints = [[int(fr[i][j] * d[i] * d[j]) for j in range(n)] for i in range(n)]
        # |haf| <= (n-1)!! max|entry|^(n/2), over prod d
        check_exact_digits(f"the hafnian of a {n}x{n} matrix",
                           math.prod(range(1, n, 2)) * max(abs(v) for r in ints for v in r) ** (n // 2),
                           math.prod(d))
        return Fraction(_hafnian_dp(ints, 1, 0)) / math.prod(d)
    if backend.name == "float":
        # |haf| <= (n-1)!! max|entry|^(n/2)
        check_float_range(f"the hafnian of a {n}x{n} matrix",
                          math.log10(math.prod(range(1, n, 2)))
                          + n / 2 * log10_abs(max(abs(float(v)) for r in rows for v in r)))
        if n >= COMPILED_FROM_N:
            compiled = hafnian_kernel(np.array([[float(v) for v in r] for r in rows]))
            if compiled is not None:
                return compiled
    return _hafnian_dp(rows, backend.const(1), backend.const(0))


def _hafnian_dp(rows: Rows, one: Any, zero: Any) -> Any:
    n = len(rows)
    memo: dict[int, Any] = {0: one}

    def haf(mask: int) -> Any:
        if mask in memo:
            return memo[mask]
        i = (mask & -mask).bit_length() - 1
        rest = mask ^ (1 << i)
        total = zero
        bits = rest
        while bits:
            low = bits & -bits
            j = low.bit_length() - 1
            total = total + rows[i][j] * haf(rest ^ low)
            bits ^= low
        memo[mask] = total
        return total

    return haf((1 << n) - 1)


def naive_hafnian(rows: Rows) -> Any:
    """The sum over all (n-1)!! perfect matchings, for tests only."""

    def matchings(items: tuple[int, ...]) -> Iterator[list[tuple[int, int]]]:
        if not items:
            yield []
            return
        first = items[0]
        for k in range(1, len(items)):
            rest = items[1:k] + items[k + 1 :]
            for m in matchings(rest):
                yield [(first, items[k])] + m

    total: Any = 0
    for m in matchings(tuple(range(len(rows)))):
        term: Any = 1
        for i, j in m:
            term = term * rows[i][j]
        total = total + term
    return total


def is_psd(rows: Rows) -> bool:
    """Positive semidefinite: exact (LDL^T with pivoting on the diagonal) for rationals, eigenvalues for floats."""
    backend = backend_of([v for r in rows for v in r])
    if backend is FRACTION:
        m = [[Fraction(v) for v in r] for r in rows]
        n = len(m)
        alive = list(range(n))
        while alive:
            k = max(alive, key=lambda i: m[i][i])
            if m[k][k] < 0:
                return False
            if m[k][k] == 0:
                # the largest remaining diagonal is 0: PSD iff the rest of the matrix is 0
                return all(m[i][j] == 0 for i in alive for j in alive)
            alive.remove(k)
            for i in alive:
                f = m[i][k] / m[k][k]
                for j in alive:
                    m[i][j] -= f * m[k][j]
        return True
    a = np.array([[float(v) for v in r] for r in rows])
    return bool(np.linalg.eigvalsh(a).min() >= -1e-9 * max(1.0, float(np.abs(a).max())))
