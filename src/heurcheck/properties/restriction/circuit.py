"""restriction-linearity on arithmetic circuits: an input of finite support (Bernoulli, Rademacher,
uniform) is revealed, value by value, weighed by its law."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from ...arguments import Arguments
from ...domains.circuit import Input, RevealInput, circuit_arguments, circuits, support
from ...domains.circuit.enumerate import finite_support_circuits
from ...domains.circuit.model import Circuit
from ..base import Case
from ..space import Enumeration, sized


class CircuitRestrictionLinearity:
    def instances(self, max_gates: int) -> Any:
        return circuits(max_inputs=3, max_gates=max_gates, dists=("rademacher", "bernoulli", "uniform"))

    def arguments(self, y: Circuit) -> Any:
        return circuit_arguments(y)

    def finite(self, inputs: int, max_gates: int) -> Enumeration:
        return Enumeration(f"every arithmetic circuit (add, mul, neg) with up to {max_gates} gates on up to {inputs} "
                           f"Rademacher or Bernoulli(1/2) inputs, every input revealed",
                           lambda: sized(finite_restriction_cases(inputs, max_gates)))

    def law(self, x: Input) -> list[tuple[Any, Any]]:
        values, probs = support(x.dist)  # type: ignore[arg-type, misc]
        return list(zip(values, probs))

    def revealed(self, y: Circuit, pi: Arguments, input_id: str, value: Any) -> tuple[Any, Arguments]:
        return y, pi | [RevealInput(input_id, Fraction(value))]

    # an arithmetic circuit has no constant to put in an input's place: the restrict form reveals it
    restricted = revealed


FACET = CircuitRestrictionLinearity()


def finite_restriction_cases(n_inputs: int, max_gates: int) -> Iterator[Case]:
    """The reveal form on arithmetic circuits: every circuit of `finite_support_circuits`, every
    input revealed, Pi empty."""
    empty = Arguments()
    for c in finite_support_circuits(n_inputs, max_gates):
        for i in range(len(c.inputs)):
            yield Case((("Y", c),), (("Pi", empty),), (("input", i),))
