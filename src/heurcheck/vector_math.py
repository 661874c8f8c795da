"""Element-wise special functions on numpy arrays that numpy lacks (erf).

`erf` uses scipy's vectorised erf when scipy is installed (the optional extra `heurcheck[fast]`),
and otherwise `math.erf` element by element: the same values to the last bit or so, about 20 to 50
times slower on large arrays (see BENCHMARKS.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np

_math_erf = np.frompyfunc(math.erf, 1, 1)
_FORCED_ELEMENTWISE: list[bool] = []  # inside `elementwise_erf()`: the fallback even where scipy is installed


@cache
def _scipy_erf() -> Any:
    """scipy's vectorised erf, or None without scipy (imported on first use: it takes about 0.2 s)."""
    try:
        from scipy.special import erf as vectorised  # optional dependency, slow to import
    except ImportError:
        return None
    return vectorised


def erf_elementwise(x: Any) -> np.ndarray:
    """erf through math.erf, one element at a time (the fallback, always available)."""
    return np.asarray(_math_erf(np.asarray(x, dtype=np.float64)), dtype=np.float64)


def erf(x: Any) -> np.ndarray:
    """erf of every element of `x`, as float64."""
    vectorised = None if _FORCED_ELEMENTWISE else _scipy_erf()
    if vectorised is not None:
        return np.asarray(vectorised(np.asarray(x, dtype=np.float64)), dtype=np.float64)
    return erf_elementwise(x)


@contextmanager
def elementwise_erf() -> Iterator[None]:
    """Within the block, `erf` takes the element-wise fallback (to measure it beside scipy's)."""
    _FORCED_ELEMENTWISE.append(True)
    try:
        yield
    finally:
        _FORCED_ELEMENTWISE.pop()
