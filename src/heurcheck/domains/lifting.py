"""Lifted drawing: strategies that produce instances with symbolic parameters, for the formal engines.

Inside `with lifted():`, the instance strategies built (circuits, matrices) draw as usual and
then replace every numeric parameter of each drawn instance by a fresh symbol (see
`heurcheck.engines.symbolic_space.lift`). A property's own construction on top of a drawn
instance (extra gates, combined rows, proofs) then carries the symbols through, so the formal
engines can decide each proposed structure for all values of its parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_LIFTING: ContextVar[bool] = ContextVar("heurcheck_lifting", default=False)


@contextmanager
def lifted() -> Iterator[None]:
    token = _LIFTING.set(True)
    try:
        yield
    finally:
        _LIFTING.reset(token)


def maybe_lifted(strategy: Any) -> Any:
    """`strategy`, or, inside `lifted()`, the same strategy with its instances' numbers as symbols."""
    if not _LIFTING.get():
        return strategy
    from ..engines.symbolic_space import lift

    return strategy.map(lift)
