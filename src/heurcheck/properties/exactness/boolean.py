"""exactness on boolean circuits, through the arithmetisation: boolean circuits have no order atom of
their own, so the estimator is asked about the arithmetic circuit, which is the same quantity with the
same wire ids."""

from __future__ import annotations

from typing import Any

from ...arguments import Arguments
from ...domains.boolean import arguments_as_circuit, boolean_arguments, instances, to_circuit
from ...domains.boolean.model import BooleanCircuit
from ...domains.circuit import Circuit, CumulantOrder, degree
from ...estimators.base import Capabilities


class BooleanExactness:
    def applies(self, estimator: Any) -> str | None:
        if not Capabilities.of(estimator).handles("circuit"):
            return ("on boolean circuits the complete argument order:K is given through the arithmetisation, "
                    f"and {estimator.name} does not handle arithmetic circuits")
        return None

    def instances(self, max_gates: int) -> Any:
        return instances(max_inputs=3, max_gates=max_gates, probabilities="rational")

    def arguments(self, y: BooleanCircuit) -> Any:
        return boolean_arguments(y)

    def first_instances(self, max_gates: int) -> Any:
        return None

    def degree(self, y: BooleanCircuit) -> int:
        return degree(to_circuit(y))

    def complete(self, y: BooleanCircuit, pi: Arguments, order: int) -> tuple[Circuit, Arguments]:
        return to_circuit(y), arguments_as_circuit(pi) | [CumulantOrder(order)]

    def statement(self, order: int, degree: int) -> str:
        return f"G(arithmetised Y | Pi + order:{order}) = Pr[C = 1]"


FACET = BooleanExactness()
