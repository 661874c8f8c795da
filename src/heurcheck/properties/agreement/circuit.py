"""agreement on arithmetic circuits: circuits on every input law, with keep, order and reveal arguments."""

from __future__ import annotations

from typing import Any

from ...domains.circuit import Circuit, circuit_arguments, circuits


class CircuitAgreement:
    def instances(self, max_size: int) -> Any:
        return circuits(max_inputs=3, max_gates=max_size)

    def arguments(self, y: Circuit) -> Any:
        return circuit_arguments(y)


FACET = CircuitAgreement()
