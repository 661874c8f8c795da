"""Instance and argument strategies for properties defined on both circuit domains (being replaced by facets)."""

from __future__ import annotations

from ..domains.boolean import boolean_arguments
from ..domains.circuit import circuit_arguments, circuit_atoms, reveal_values
from ..domains.permanent import permanent_arguments

__all__ = ["boolean_arguments", "circuit_arguments", "circuit_atoms", "permanent_arguments", "reveal_values"]
