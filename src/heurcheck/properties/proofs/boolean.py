"""respect-for-proofs on boolean circuits: Y = w xor w or w and not w, proved constant 0 (the exact-value form,
whatever form is asked for)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ...domains.boolean import BoolGate, BooleanCircuit, ProvedConstant, boolean_arguments, instances
from ..base import Case
from ..space import Enumeration


class BooleanRespectForProofs:
    def cases(self, form: str, max_gates: int) -> Any:
        booleans = instances(max_inputs=3, max_gates=max_gates)

        @st.composite
        def build(draw: Any) -> Case:
            c = draw(booleans)
            w = c.wires[draw(st.integers(0, 63)) % len(c.wires)]
            if draw(st.booleans()):
                gates = [BoolGate("Y", "xor", (w, w))]
            else:
                gates = [BoolGate("nw", "not", (w,)), BoolGate("Y", "and", (w, "nw"))]
            y = BooleanCircuit(c.inputs, c.gates + tuple(gates), "Y")
            pi = draw(boolean_arguments(y)) | [ProvedConstant("Y", 0)]
            return Case((("Y", y),), (("Pi", pi),), (("form", 1), ("value", Fraction(0))))

        return build()

    def structures(self, form: str) -> Callable[[int], Enumeration] | None:
        return None


FACET = BooleanRespectForProofs()
