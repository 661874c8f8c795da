"""exactness on arithmetic circuits: the argument order:K keeps every joint cumulant up to K."""

from __future__ import annotations

from typing import Any

from ...arguments import Arguments
from ...domains.circuit import CumulantOrder, circuit_arguments, circuits, degree
from ...domains.circuit.model import Circuit


FIRST_GATES = 4


class CircuitExactness:
    def applies(self, estimator: Any) -> str | None:
        return None

    def instances(self, max_gates: int) -> Any:
        # K = degree is tight only where high cumulants matter: favour products and chains over
        # few inputs, and non-Gaussian inputs (a Gaussian's cumulants above 2 vanish)
        deep = circuits(max_inputs=2, max_gates=max_gates, recent=True,
                        dists=("rademacher", "bernoulli", "uniform", "gaussian"),
                        ops=("mul", "square", "add", "mul", "scale", "neg", "const"))
        return deep | circuits(max_inputs=3, max_gates=max_gates) | circuits(max_inputs=3, max_gates=max_gates,
                                                                             joint=True)

    def first_instances(self, max_gates: int) -> Any:
        # deep narrow circuits: one input, every gate reading one of the two newest wires, so k gates reach
        # depth about k and degree up to 2^k (a slip at depth 4 or a truncation at an even order shows in a
        # few gates); at most 4 gates, so the degree stays at most 16 and a case stays cheap to decide
        return circuits(max_inputs=1, max_gates=min(max_gates, FIRST_GATES), recent=True, reach=2,
                        dists=("rademacher", "bernoulli", "uniform", "gaussian"),
                        ops=("mul", "square", "add", "mul", "scale", "neg", "const"))

    def arguments(self, y: Circuit) -> Any:
        return circuit_arguments(y, kinds=("keep", "reveal"))

    def degree(self, y: Circuit) -> int:
        return degree(y)

    def complete(self, y: Circuit, pi: Arguments, order: int) -> tuple[Circuit, Arguments]:
        return y, pi | [CumulantOrder(order)]

    def statement(self, order: int, degree: int) -> str:
        return f"G(Y | Pi + order:{order}) = E[Y | Pi], degree {degree}"


FACET = CircuitExactness()
