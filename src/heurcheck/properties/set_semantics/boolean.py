"""set-semantics on boolean circuits: every atom (a revealed bit, a proved constant) names one wire."""

from __future__ import annotations

from typing import Any

from ...domains.boolean import boolean_arguments, instances
from ...domains.boolean.model import BooleanCircuit


class BooleanSetSemantics:
    def instances(self, max_gates: int) -> Any:
        return instances(max_inputs=3, max_gates=max_gates)

    def arguments(self, y: BooleanCircuit) -> Any:
        return boolean_arguments(y)

    def rewritten(self, atom: Any) -> Any:
        return atom


FACET = BooleanSetSemantics()
