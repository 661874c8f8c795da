"""Exact permanents: Glynn's formula (Python ints, a modular numpy loop with Chinese remainders, or
floats), Ryser's formula as a cross-check, and the naive sum for tests."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from fractions import Fraction
from functools import cache, reduce
from itertools import permutations
from typing import Any

import numpy as np

from ...errors import TruthTooExpensive
from ...numbers import backend_of
from ..kernels import COMPILED_FROM_N, permanent_kernel
from ..matrixform import Rows, check_exact_digits, check_float_range, log10_abs

MAX_PERMANENT_TRUTH_N = 25
MAX_GLYNN_WORK = 2**27  # terms summed by Glynn over all primes: n = 25 with entries of a few bits (4 to 8 primes)


def naive_permanent(rows: Rows) -> Any:
    """sum over permutations s of prod_i a_{i s(i)}: O(n! n), for tests only."""
    n = len(rows)
    total = None
    for s in permutations(range(n)):
        term = reduce(lambda acc, i: acc * rows[i][s[i]], range(1, n), rows[0][s[0]])
        total = term if total is None else total + term
    return total


def glynn(rows: Rows) -> Any:
    """perm(A) by Glynn's formula, Gray-code order, generic arithmetic: O(2^(n-1) n)."""
    n = len(rows)
    backend = backend_of([v for r in rows for v in r])
    sums = [reduce(lambda acc, i: acc + rows[i][j], range(1, n), rows[0][j]) for j in range(n)]
    twice = [[a + a for a in row] for row in rows]
    negative = [False] * n  # d_i = -1 ?
    total = _product(sums)
    sign = 1
    for k in range(1, 1 << (n - 1)):
        i = (k & -k).bit_length()  # Gray code: flip d_i, i = 1 + index of k's lowest set bit
        step = twice[i]
        if negative[i]:
            sums = [s + a for s, a in zip(sums, step)]
        else:
            sums = [s - a for s, a in zip(sums, step)]
        negative[i] = not negative[i]
        sign = -sign
        term = _product(sums)
        total = total + term if sign > 0 else total - term
    return total / backend.const(1 << (n - 1)) if n > 1 else total


def ryser(rows: Rows) -> Any:
    """perm(A) = (-1)^n sum over column sets S of (-1)^|S| prod_i sum_{j in S} a_ij, Gray-code order: O(2^n n)."""
    n = len(rows)
    backend = backend_of([v for r in rows for v in r])
    sums = [backend.const(0)] * n
    inside = [False] * n
    total = backend.const(0)
    for k in range(1, 1 << n):
        j = (k & -k).bit_length() - 1
        if inside[j]:
            sums = [s - rows[i][j] for i, s in enumerate(sums)]
        else:
            sums = [s + rows[i][j] for i, s in enumerate(sums)]
        inside[j] = not inside[j]
        term = _product(sums)
        # (-1)^(n - |S|): |S| and k's Gray code have the same parity of set bits
        odd = (n - bin(k ^ (k >> 1)).count("1")) % 2
        total = total - term if odd else total + term
    return total


def _product(values: Sequence[Any]) -> Any:
    return reduce(lambda a, b: a * b, values[1:], values[0])


def permanent(rows: Rows) -> Any:
    """perm(A), exact for rationals (a Fraction), float for floats, generic otherwise; n <= 25."""
    n = len(rows)
    if n > MAX_PERMANENT_TRUTH_N:
        raise TruthTooExpensive(
            f"the permanent of a {n}x{n} matrix: exact truth is limited to n <= {MAX_PERMANENT_TRUTH_N} "
            f"(2^(n-1) n operations)"
        )
    backend = backend_of([v for r in rows for v in r])
    if backend.name == "float":
        # |perm| <= the product of the columns' absolute sums
        check_float_range(f"the permanent of a {n}x{n} matrix",
                          sum(log10_abs(sum(abs(float(r[j])) for r in rows)) for j in range(n)))
        return glynn_float(np.array([[float(v) for v in r] for r in rows]))
    if backend.name == "fraction":
        ints, scale = _integer_rows([[Fraction(v) for v in r] for r in rows])
        check_exact_digits(f"the permanent of a {n}x{n} matrix", _bound(ints), scale)
        _check_work(n, _bound(ints))
        if n <= 14:
            value = glynn(ints)
        else:
            value = _glynn_crt(ints)
        return Fraction(value) / scale
    return glynn(rows)


def _integer_rows(rows: list[list[Fraction]]) -> tuple[list[list[int]], int]:
    """Rows scaled to integers: B = diag(d) A with d_i the lcm of row i's denominators; returns (B, prod d_i)."""
    out, scale = [], 1
    for row in rows:
        d = math.lcm(*(v.denominator for v in row))
        out.append([int(v * d) for v in row])
        scale *= d
    return out, scale


def _sign_table(bits: int) -> np.ndarray:
    """All d in {+-1}^bits as rows (bit k of the row index set means d_k = -1)."""
    index = np.arange(1 << bits)[:, None]
    return 1 - 2 * ((index >> np.arange(bits)[None, :]) & 1)


def _signed_sums(rows: np.ndarray, first_fixed: bool = True) -> np.ndarray:
    """sum_i d_i rows[i] for every d of `_sign_table` order (d_0 = +1 when `first_fixed`), built by
    doubling: the half of the table with d_k = -1 is the other half minus 2 rows[k], one numpy pass
    per row (a product with the sign table was slower: 23 ms at n = 16 on a loaded machine)."""
    start = 1 if first_fixed else 0
    table = np.empty((1 << (len(rows) - start), rows.shape[1]))
    table[0] = rows.sum(axis=0)  # every d_i = +1
    for k, row in enumerate(rows[start:]):
        half = 1 << k
        np.subtract(table[:half], 2.0 * row, out=table[half : 2 * half])
    return table


@cache
def _float_signs(bits: int) -> tuple[np.ndarray, np.ndarray]:
    """`_sign_table(bits)` in floats (a float product with a float matrix is one BLAS call, a mixed
    one is not) and the product of each row; read-only, shared by every call."""
    table = _sign_table(bits).astype(np.float64)
    sign = table.prod(axis=1)
    table.flags.writeable = sign.flags.writeable = False
    return table, sign


def _glynn_split(n: int) -> tuple[int, int]:
    low = min(n - 1, 14)
    return low, n - 1 - low


def glynn_float(a: np.ndarray) -> float:
    """perm(a) in floats by Glynn's formula, vectorised: d splits into a low and a high half,
    with one numpy pass over all low halves per high half (from n = 14 on, numba's compiled loop
    over the same two tables when numba is installed: `..kernels`)."""
    n = a.shape[0]
    low, high = _glynn_split(n)
    (_, low_sign), (_, high_sign) = _float_signs(low), _float_signs(high)
    low_sums = _signed_sums(a[: low + 1])
    high_sums = _signed_sums(a[low + 1 :], first_fixed=False)
    if n >= COMPILED_FROM_N:
        compiled = permanent_kernel(a, low_sums, low_sign, high_sums, high_sign)
        if compiled is not None:
            return compiled / float(1 << (n - 1))
    total = 0.0
    for c in range(1 << high):
        total += float(high_sign[c]) * float(low_sign @ np.prod(low_sums + high_sums[c], axis=1))
    return total / float(1 << (n - 1))


def _glynn_mod(b: np.ndarray, p: int) -> int:
    """Glynn's formula modulo the prime p (< 2^31) for an integer matrix b, vectorised like `glynn_float`."""
    n = b.shape[0]
    low, high = _glynn_split(n)
    d_low, d_high = _sign_table(low), _sign_table(high)
    a = b % p
    low_sums = (a[0] + d_low @ a[1 : low + 1]) % p
    positive = d_low.prod(axis=1) > 0
    high_sums = (d_high @ a[low + 1 :]) % p
    high_sign = d_high.prod(axis=1)
    total = 0
    for c in range(1 << high):
        s = (low_sums + high_sums[c]) % p
        acc = s[:, 0].copy()
        for j in range(1, n):
            acc = acc * s[:, j] % p
        part = int(acc[positive].sum() - acc[~positive].sum())
        total = (total + int(high_sign[c]) * part) % p
    return total * pow(2, -(n - 1), p) % p


def _check_work(n: int, bound: int) -> None:
    """TruthTooExpensive, at once, when Glynn by Chinese remainders (n > 14) would sum more than
    MAX_GLYNN_WORK terms: 2^(n-1) per 31-bit prime, and as many primes as the value's bound needs."""
    if n <= 14:
        return
    primes = (2 * bound).bit_length() // 30 + 1
    if primes * 2 ** (n - 1) > MAX_GLYNN_WORK:
        raise TruthTooExpensive(f"the permanent of a {n}x{n} matrix: {primes} modular passes of 2^{n - 1} terms, "
                                f"more than the limit of 2^{MAX_GLYNN_WORK.bit_length() - 1} terms (smaller entries "
                                f"or a smaller n are faster)")


def _bound(rows: list[list[int]]) -> int:
    """A bound on |perm| of an integer matrix: the product of its columns' absolute sums."""
    return math.prod(sum(abs(r[j]) for r in rows) for j in range(len(rows)))


def _glynn_crt(rows: list[list[int]]) -> int:
    """perm of an integer matrix from its residues modulo 31-bit primes (Chinese remainders)."""
    bound = _bound(rows)
    if bound == 0:
        return 0
    b = np.array(rows, dtype=object)
    value, modulus = 0, 1
    for p in _primes_below(1 << 31):
        residue = _glynn_mod(np.array(b % p, dtype=np.int64), p)
        # combine value (mod modulus) with residue (mod p)
        t = (residue - value) * pow(modulus, -1, p) % p
        value, modulus = value + modulus * t, modulus * p
        if modulus > 2 * bound:
            break
    return value - modulus if value > modulus // 2 else value


def _primes_below(limit: int) -> Iterator[int]:
    """Primes below `limit` (< 3.2e9), largest first, by deterministic Miller-Rabin."""
    for m in range(limit - 1 if limit % 2 == 0 else limit - 2, 2, -2):
        if _is_prime(m):
            yield m


def _is_prime(m: int) -> bool:
    d, s = m - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in (2, 3, 5, 7):
        x = pow(a, d, m)
        if x in (1, m - 1):
            continue
        for _ in range(s - 1):
            x = x * x % m
            if x == m - 1:
                break
        else:
            return False
    return True
