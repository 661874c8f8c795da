"""The numba-compiled loops behind `kernels` (imported only from there, and only when numba is installed)."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def _popcount(x: int) -> int:
    count = 0
    while x:
        x &= x - 1
        count += 1
    return count


@numba.njit(cache=True, nogil=True)
def _add(total: float, compensation: float, x: float) -> tuple[float, float]:
    """Neumaier's compensated sum: total + x, and the rounding error it lost added to `compensation`."""
    t = total + x
    if abs(total) >= abs(x):
        compensation += (total - t) + x
    else:
        compensation += (x - t) + total
    return t, compensation


@numba.njit(cache=True, nogil=True)
def glynn_table(a: Any, low_sums: Any, low_sign: Any, high_sums: Any, high_sign: Any) -> float:
    n = a.shape[1]
    total = 0.0
    compensation = 0.0  # every term is added with Neumaier's compensation
    for c in range(high_sums.shape[0]):
        for k in range(low_sums.shape[0]):
            p = low_sign[k] * high_sign[c]
            for j in range(n):
                p *= low_sums[k, j] + high_sums[c, j]
            total, compensation = _add(total, compensation, p)
    return total + compensation


@numba.njit(cache=True, nogil=True)
def bjorklund(a: Any) -> float:
    size = a.shape[0]
    half = size // 2
    degree = half + 1
    b = np.zeros((half + 1, size, size, degree))  # buffers of matrices of polynomials
    at = np.zeros(half + 1, dtype=np.int64)  # the buffer holding each level's matrix
    q = np.zeros((half + 1, degree))
    for i in range(size):
        for j in range(size):
            b[0, i, j, 0] = a[i, j]
    q[0, 0] = 1.0
    total = 0.0
    compensation = 0.0
    for leaf in range(1 << half):
        # levels from `start` down have a new choice: bit (half - 1 - level) of `leaf` (1: contract u, v)
        start = 0
        if leaf:
            low = 0
            while not (leaf >> low) & 1:
                low += 1
            start = half - 1 - low
        for level in range(start, half):
            s = size - 2 * level
            u, v = s - 2, s - 1
            src = at[level]
            if (leaf >> (half - 1 - level)) & 1:
                # written into buffer level + 1, which no level above this one reads. B stays symmetric:
                # only its upper triangle (i <= j) is computed and read
                for i in range(s - 2):
                    for j in range(i, s - 2):
                        for d in range(degree):
                            b[level + 1, i, j, d] = b[src, i, j, d]
                        for d1 in range(degree - 1):
                            x1 = b[src, i, u, d1]
                            x2 = b[src, i, v, d1]
                            if x1 == 0.0 and x2 == 0.0:
                                continue
                            for d2 in range(degree - 1 - d1):
                                b[level + 1, i, j, d1 + d2 + 1] += x1 * b[src, j, v, d2] + x2 * b[src, j, u, d2]
                at[level + 1] = level + 1
                for d in range(degree):
                    q[level + 1, d] = q[level, d]
                for d1 in range(degree - 1):
                    if q[level, d1] != 0.0:
                        for d2 in range(degree - 1 - d1):
                            q[level + 1, d1 + d2 + 1] += q[level, d1] * b[src, u, v, d2]
            else:  # dropping u and v leaves the same matrix without its last two rows and columns: no copy
                at[level + 1] = src
                for d in range(degree):
                    q[level + 1, d] = q[level, d]
        # the sign: -1 for every level that dropped u, v
        dropped = half - _popcount(leaf)
        value = q[half, half] if dropped % 2 == 0 else -q[half, half]
        total, compensation = _add(total, compensation, value)
    return total + compensation
