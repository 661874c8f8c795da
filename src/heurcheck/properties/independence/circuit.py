"""independence on arithmetic circuits: X and Y on disjoint inputs, their product a mul gate."""

from __future__ import annotations

from typing import Any

from ...domains.circuit import circuit_arguments, circuits
from ...domains.circuit.model import Circuit, product_of, renamed


class CircuitIndependence:
    def instances(self, max_gates: int) -> Any:
        return circuits(max_inputs=2, max_gates=max_gates)

    def arguments(self, x: Circuit) -> Any:
        return circuit_arguments(x)

    renamed = staticmethod(renamed)
    product_of = staticmethod(product_of)


FACET = CircuitIndependence()
