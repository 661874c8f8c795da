"""The vectorised erf agrees with math.erf (scipy's when installed, the element-wise fallback otherwise)."""

from __future__ import annotations

import math

import numpy as np

from heurcheck.vector_math import erf, erf_elementwise


def test_erf_agrees_with_math_erf_on_both_paths() -> None:
    x = np.concatenate([np.linspace(-6, 6, 2001), [0.0, -0.0, 1e-300, 30.0, -30.0]])
    expected = np.array([math.erf(v) for v in x])
    for f in (erf, erf_elementwise):
        got = f(x)
        assert got.dtype == np.float64 and got.shape == x.shape
        assert np.max(np.abs(got - expected)) <= 4e-16


def test_erf_keeps_the_shape_of_a_matrix() -> None:
    x = np.arange(12, dtype=float).reshape(3, 4) / 7 - 0.8
    assert erf(x).shape == (3, 4) and np.array_equal(erf_elementwise(x), np.vectorize(math.erf)(x))


def test_the_elementwise_block_takes_the_fallback_and_ends_with_the_block(monkeypatch) -> None:
    import heurcheck.vector_math as vm

    def scipy_erf_must_not_be_asked() -> None:
        raise AssertionError("the vectorised erf was asked for inside elementwise_erf()")

    x = np.linspace(-2, 2, 9)
    with vm.elementwise_erf():
        monkeypatch.setattr(vm, "_scipy_erf", scipy_erf_must_not_be_asked)
        assert np.array_equal(vm.erf(x), erf_elementwise(x))
    monkeypatch.undo()
    assert not vm._FORCED_ELEMENTWISE
