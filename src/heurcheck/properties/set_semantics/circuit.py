"""set-semantics on arithmetic circuits: a keep atom is written again with its wires back to front."""

from __future__ import annotations

from typing import Any

from ...domains.circuit import KeepCumulant, circuit_arguments, circuits
from ...domains.circuit.model import Circuit


class CircuitSetSemantics:
    def instances(self, max_gates: int) -> Any:
        return circuits(max_inputs=3, max_gates=max_gates)

    def arguments(self, y: Circuit) -> Any:
        return circuit_arguments(y, max_atoms=4)

    def rewritten(self, atom: Any) -> Any:
        if isinstance(atom, KeepCumulant):
            return KeepCumulant(tuple(reversed(atom.wires)))  # normalised on construction: same atom
        return atom


FACET = CircuitSetSemantics()
