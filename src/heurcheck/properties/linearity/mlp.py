"""linearity on multilayer perceptrons: Y is linear in the readout, so with X, Y the same network
read out by r1 and r2, aX + bY is the network read out by a r1 + b r2."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.mlp import MLP, instances
from ..base import Case
from ..space import Enumeration
from . import COEFFICIENTS


class MLPLinearity:
    def cases(self, form: str, max_gates: int) -> Any:
        """Every form is the readout combination; `max_gates` bounds the number of units per layer."""
        networks = instances(max_depth=2, max_width=max(1, min(max_gates, 4)))
        readout = st.integers(-2, 2)

        @st.composite
        def build(draw: Any) -> Case:
            x = draw(networks)
            width = len(x.readout)
            r2 = tuple(draw(readout) for _ in range(width))
            a, b = draw(COEFFICIENTS), draw(COEFFICIENTS)
            y = replace(x, readout=r2)
            z = replace(x, readout=tuple(a * p + b * q for p, q in zip(x.readout, r2)))
            return Case((("X", x), ("Y", y), ("Z", z)), (("Pi", Arguments()),), (("a", a), ("b", b)))

        return build()

    def finite(self, n_max: int, entries: str) -> Enumeration | None:
        return None

    def structures(self, form: str) -> Callable[[int], Enumeration] | None:
        return None

    def same_function(self, c: MLP, other: MLP) -> bool:
        return c == other  # never asked: the semantic form is the circuits' own


FACET = MLPLinearity()
