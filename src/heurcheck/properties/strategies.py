"""Instance and argument strategies for properties defined on both circuit domains (being replaced by facets)."""

from __future__ import annotations

from typing import Any

from ..domains.boolean import boolean_arguments
from ..domains.circuit import circuit_arguments, circuit_atoms, reveal_values
from ..domains.permanent import permanent_arguments

__all__ = ["boolean_arguments", "circuit_arguments", "circuit_atoms", "circuit_family", "permanent_arguments",
           "reveal_values"]


def circuit_family(domain: str, max_inputs: int, max_gates: int) -> tuple[Any, Any]:
    """(instances, arguments-for-an-instance) strategies for the circuit or boolean domain."""
    if domain == "boolean":
        from ..domains.boolean import instances

        return instances(max_inputs=max_inputs, max_gates=max_gates), boolean_arguments
    from ..domains.circuit import circuits

    return circuits(max_inputs=max_inputs, max_gates=max_gates), circuit_arguments
