"""irrelevant-arguments on arithmetic circuits: pi keeps cumulants of, or reveals inputs of, the unrelated part."""

from __future__ import annotations

from typing import Any

from ...domains.circuit import circuit_arguments, circuits
from ...domains.circuit.model import Circuit, renamed, side_by_side


class CircuitIrrelevantArguments:
    def instances(self, max_gates: int) -> Any:
        return circuits(max_inputs=3, max_gates=max_gates)

    def arguments(self, y: Circuit) -> Any:
        return circuit_arguments(y)

    def irrelevant_arguments(self, d: Circuit) -> Any:
        # an order atom is global, not about D: keep it out of the irrelevant part
        return circuit_arguments(d, kinds=("keep", "reveal"), min_atoms=1)

    renamed = staticmethod(renamed)
    side_by_side = staticmethod(side_by_side)


FACET = CircuitIrrelevantArguments()
