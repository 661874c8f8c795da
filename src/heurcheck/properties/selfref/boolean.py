"""The self-referential properties on boolean circuits: the objective route, each revealed bit 1 with
its probability p and 0 with 1 - p; cases (Y, Pi, Pi'), Pi revealing some bits and Pi' some more."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.boolean import BooleanCircuit, RevealBit, instances
from ..base import Case


class BooleanSelfReference:
    """The objective route only (bits cannot be revealed as symbols)."""

    routes = ("objective",)

    def cases(self, route: str, params: Mapping[str, Any], pairs: bool, traceable: bool) -> Any:
        """Up to 3 bits with rational p."""
        base = instances(max_inputs=3, max_gates=params["max_gates"], probabilities="rational")

        @st.composite
        def build(draw: Any) -> Case:
            c = draw(base)
            ids = [i.id for i in c.inputs]
            extra = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
            rest = [x for x in ids if x not in extra]
            known = draw(st.lists(st.sampled_from(rest), unique=True, max_size=len(rest))) if rest else []
            pi = Arguments([RevealBit(x, draw(st.sampled_from([0, 1]))) for x in known])
            pi2 = pi | [RevealBit(x, 0) for x in sorted(extra)]
            return Case((("Y", c),), (("Pi", pi), ("Pi'", pi2)))

        return build()

    def revealed(self, arguments: Arguments) -> set[str]:
        return {a.input for a in arguments.of(RevealBit)}

    def reveal(self, x: str, value: Any) -> RevealBit:
        return RevealBit(x, value)

    def law(self, y: BooleanCircuit, x: str) -> list[tuple[Any, Any]] | None:
        p = {i.id: i.p for i in y.inputs}
        return [(RevealBit(x, 0), 1 - p[x]), (RevealBit(x, 1), p[x])]

    def expectation(self, y: BooleanCircuit, terms: list[tuple[tuple[int, ...], Any]], inputs: Sequence[str]) -> Any:
        raise ValueError("every input bit has a finite law")  # never called: `law` is never None


FACET = BooleanSelfReference()
