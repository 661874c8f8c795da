"""The traceable route's constructions on top of the circuit of a polynomial (`domains.circuit`; its
terms and the conversions of concrete numbers are in `heurcheck.numbers`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...domains.circuit import Circuit, Gate, circuit_of_polynomial, cone
from ...numbers import is_plain_number as _is_plain_number
from ...numbers import plain as _plain
from ...numbers import polynomial_terms
from ..base import Outcome

__all__ = ["_is_plain_number", "_plain", "circuit_of_polynomial", "polynomial_terms"]


def _as_float(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0


def _extend(c: Circuit, gates: list[Gate], output: str) -> Circuit:
    whole = Circuit(c.inputs, c.gates + tuple(gates), output, c.joint)
    return cone(whole, output)


def _fresh_id(c: Circuit, stem: str) -> str:
    k = 0
    while c.has_wire(f"{stem}{k or ''}"):
        k += 1
    return f"{stem}{k or ''}"


def _not_polynomial(route: str, why: str) -> Outcome:
    return Outcome(None, None, 0.0, 0.0, applicable=False, route=route,
                   detail=f"the inner estimate is not a polynomial in the revealed values: {why}")


def _coefficient_mass(poly: Any, symbols: Mapping[Any, str]) -> float:
    """The sum of |coefficients|: a magnitude for the relative tolerance."""
    try:
        return sum(abs(_as_float(c)) for _, c in polynomial_terms(poly, list(symbols)))
    except ValueError:
        return 0.0
