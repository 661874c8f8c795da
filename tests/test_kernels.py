"""The compiled float kernels (numba, extra `fast`) of the exact permanent and hafnian agree with the
exact rational values, and the paths without numba give the same values."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from heurcheck.domains.hafnian.truth import _hafnian_dp
from heurcheck.domains.permanent import hafnian, permanent

numba = pytest.importorskip("numba")

from heurcheck.domains.kernels import COMPILED_FROM_N, compiled_available, hafnian_kernel  # noqa: E402


def _binary_fractions(n: int, seed: int, symmetric: bool) -> list[list[float]]:
    a = np.random.default_rng(seed).integers(-2048, 2049, size=(n, n)) / 1024.0
    if symmetric:
        a = a + a.T
    return [[float(v) for v in row] for row in a]


def _relative_error(value: float, exact: Fraction) -> float:
    return float(abs(Fraction(value) - exact) / abs(exact))


def test_numba_is_used_when_installed() -> None:
    assert compiled_available()


@pytest.mark.parametrize("n", [COMPILED_FROM_N, 15, 17])
def test_the_compiled_permanent_is_the_exact_value_to_rounding(n: int) -> None:
    rows = _binary_fractions(n, n, symmetric=False)
    exact = permanent([[Fraction(v) for v in row] for row in rows])
    assert exact != 0
    assert _relative_error(permanent(rows), exact) < 1e-13


@pytest.mark.parametrize("n", [COMPILED_FROM_N, 16, 18])
def test_the_compiled_hafnian_is_the_exact_value_to_rounding_and_agrees_with_the_subset_programme(n: int) -> None:
    rows = _binary_fractions(n, 100 + n, symmetric=True)
    exact = hafnian([[Fraction(v) for v in row] for row in rows])
    assert exact != 0
    compiled = hafnian(rows)
    assert compiled == hafnian_kernel(np.array(rows))  # the float path from COMPILED_FROM_N on is the kernel
    assert _relative_error(compiled, exact) < 1e-13
    assert _relative_error(_hafnian_dp(rows, 1.0, 0.0), exact) < 1e-13  # the path without numba


def test_the_compiled_hafnian_of_small_and_degenerate_matrices() -> None:
    assert hafnian_kernel(np.array([[0.0, 2.5], [2.5, 1.0]])) == 2.5
    assert hafnian_kernel(np.zeros((4, 4))) == 0.0
    identity_pairs = np.kron(np.eye(3), np.array([[0.0, 1.0], [1.0, 0.0]]))  # one perfect matching
    assert hafnian_kernel(identity_pairs) == 1.0
    assert hafnian_kernel(np.ones((6, 6))) == 15.0  # 5!! matchings of K6
