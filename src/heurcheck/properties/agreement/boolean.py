"""agreement on boolean circuits: bits of rational probability, with reveal and proved-constant arguments."""

from __future__ import annotations

from typing import Any

from ...domains.boolean import boolean_arguments, instances
from ...domains.boolean.model import BooleanCircuit


class BooleanAgreement:
    def instances(self, max_size: int) -> Any:
        return instances(max_inputs=3, max_gates=max_size, probabilities="rational")

    def arguments(self, y: BooleanCircuit) -> Any:
        return boolean_arguments(y)


FACET = BooleanAgreement()
