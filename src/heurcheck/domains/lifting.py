"""Lifted drawing: strategies that produce instances with symbolic parameters, for the formal engines.

Inside `with lifted():`, the instance strategies built (circuits, matrices) draw as usual and
then replace every numeric parameter of each drawn instance by a fresh symbol (see `lift`, which
asks the instance's domain). A property's own construction on top of a drawn instance (extra
gates, combined rows, proofs) then carries the symbols through, so the formal engines can decide
each proposed structure for all values of its parameters.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .registry import get_domain

_LIFTING: ContextVar[bool] = ContextVar("heurcheck_lifting", default=False)
_COUNTER = itertools.count()


@contextmanager
def lifted() -> Iterator[None]:
    token = _LIFTING.set(True)
    try:
        yield
    finally:
        _LIFTING.reset(token)


def lift(instance: Any) -> Any:
    """A fresh symbolic copy of a drawn instance (its own prefix, so separate draws never share)."""
    prefix = f"s{next(_COUNTER)}:"
    return get_domain(instance.domain).lift(instance, prefix)


def maybe_lifted(strategy: Any) -> Any:
    """`strategy`, or, inside `lifted()`, the same strategy with its instances' numbers as symbols."""
    if not _LIFTING.get():
        return strategy
    return strategy.map(lift)
