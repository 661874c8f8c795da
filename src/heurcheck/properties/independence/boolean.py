"""independence on boolean circuits: X and Y on disjoint bits, their product X AND Y."""

from __future__ import annotations

from typing import Any

from ...domains.boolean import boolean_arguments, instances
from ...domains.boolean.model import BooleanCircuit
from ...domains.boolean.transform import product_of, renamed


class BooleanIndependence:
    def instances(self, max_gates: int) -> Any:
        return instances(max_inputs=2, max_gates=max_gates)

    def arguments(self, x: BooleanCircuit) -> Any:
        return boolean_arguments(x)

    renamed = staticmethod(renamed)
    product_of = staticmethod(product_of)


FACET = BooleanIndependence()
