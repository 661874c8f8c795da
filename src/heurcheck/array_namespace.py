"""The array namespace that countable array code computes through: numpy, or flopscope's numpy while
`flopscope_namespace()` is active (so that flopscope counts the floating-point operations).

A module that wants its array operations counted imports `np` from here instead of numpy; outside a
counting block every attribute is numpy's, so its results are unchanged. Inside one, the functions
flopscope offers are flopscope's and the rest (for instance `np.polynomial`, used for quadrature
nodes computed once and cached) stay numpy's, uncounted. flopscope has no erf: `vector_math.erf`
is not counted either.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy

_CURRENT: ContextVar[Any] = ContextVar("heurcheck_array_namespace", default=None)


class _Namespace:
    """numpy, or flopscope.numpy for the names it has while a counting block is active."""

    def __getattr__(self, name: str) -> Any:
        counted = _CURRENT.get()
        if counted is not None and hasattr(counted, name):
            return getattr(counted, name)
        return getattr(numpy, name)


np: Any = _Namespace()


@contextmanager
def flopscope_namespace() -> Iterator[None]:
    """Within the block, `np` from this module is flopscope's numpy (ImportError without flopscope)."""
    import flopscope.numpy

    token = _CURRENT.set(flopscope.numpy)
    try:
        yield
    finally:
        _CURRENT.reset(token)
