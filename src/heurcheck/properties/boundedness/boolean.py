"""boundedness on boolean circuits: the probability p(C) = Pr[C(x) = 1], bits of rational probability."""

from __future__ import annotations

from typing import Any

from ...domains.boolean import boolean_arguments, instances
from ...domains.boolean.model import BooleanCircuit


class BooleanBoundedness:
    quantity = "p(C)"

    def instances(self, max_gates: int) -> Any:
        return instances(max_inputs=3, max_gates=max_gates, probabilities="rational")

    def arguments(self, c: BooleanCircuit) -> Any:
        return boolean_arguments(c)

    def bounds(self, c: BooleanCircuit) -> tuple[int, int]:
        return 0, 1  # a probability


FACET = BooleanBoundedness()
