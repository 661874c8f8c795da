"""irrelevant-arguments on boolean circuits: pi reveals bits of the unrelated part."""

from __future__ import annotations

from typing import Any

from ...domains.boolean import boolean_arguments, instances
from ...domains.boolean.model import BooleanCircuit
from ...domains.boolean.transform import renamed, side_by_side


class BooleanIrrelevantArguments:
    def instances(self, max_gates: int) -> Any:
        return instances(max_inputs=3, max_gates=max_gates)

    def arguments(self, y: BooleanCircuit) -> Any:
        return boolean_arguments(y)

    def irrelevant_arguments(self, d: BooleanCircuit) -> Any:
        return boolean_arguments(d, min_atoms=1)

    renamed = staticmethod(renamed)
    side_by_side = staticmethod(side_by_side)


FACET = BooleanIrrelevantArguments()
