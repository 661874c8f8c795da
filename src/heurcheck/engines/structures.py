"""Every small circuit structure, with symbolic parameters, for the formal engines.

The enumerators live with the circuit domain (`heurcheck.domains.circuit.enumerate`); this module
keeps their old import path.
"""

from __future__ import annotations

from ..domains.circuit.enumerate import (
    ARGUMENT_FAMILY,
    INPUT_IDS,
    ORDERS,
    _gate_choices,
    _gate_lists,
    _law,
    argument_family,
    circuit_structures,
    circuits_by_size,
    count_structures,
)

__all__ = [
    "ARGUMENT_FAMILY",
    "INPUT_IDS",
    "ORDERS",
    "_gate_choices",
    "_gate_lists",
    "_law",
    "argument_family",
    "circuit_structures",
    "circuits_by_size",
    "count_structures",
]
