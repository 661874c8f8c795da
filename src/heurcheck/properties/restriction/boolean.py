"""restriction-linearity on boolean circuits: a bit is restricted (C[x_i = v], a const gate) or revealed
(reveal:x_i=v), weighed by Pr[x_i = v]."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...arguments import Arguments
from ...domains.boolean import RevealBit, boolean_arguments, instances, restrict
from ...domains.boolean.enumerate import boolean_circuits
from ...domains.boolean.model import BitInput, BooleanCircuit
from ..base import Case
from ..space import Enumeration, sized


class BooleanRestrictionLinearity:
    def instances(self, max_gates: int) -> Any:
        return instances(max_inputs=3, max_gates=max_gates)

    def arguments(self, y: BooleanCircuit) -> Any:
        return boolean_arguments(y)

    def finite(self, inputs: int, max_gates: int) -> Enumeration:
        return Enumeration(f"every boolean circuit with up to {max_gates} gates on {inputs} bits (p = 1/2), every "
                           f"input restricted", lambda: sized(restriction_cases(inputs, max_gates)))

    def law(self, x: BitInput) -> list[tuple[Any, Any]]:
        return [(0, 1 - x.p), (1, x.p)]

    def restricted(self, y: BooleanCircuit, pi: Arguments, input_id: str, value: Any) -> tuple[Any, Arguments]:
        return restrict(y, input_id, value), pi

    def revealed(self, y: BooleanCircuit, pi: Arguments, input_id: str, value: Any) -> tuple[Any, Arguments]:
        return y, pi | [RevealBit(input_id, int(value))]


FACET = BooleanRestrictionLinearity()


def restriction_cases(n_bits: int, max_gates: int, *, canonical: bool = False) -> Iterator[Case]:
    """Every circuit of `boolean_circuits` (in its order), and for each every input index, with Pi empty."""
    empty = Arguments()
    for c in boolean_circuits(n_bits, max_gates, canonical=canonical):
        for i in range(len(c.inputs)):
            yield Case((("Y", c),), (("Pi", empty),), (("input", i),))
