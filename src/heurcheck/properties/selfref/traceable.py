"""The traceable route's constructions: the circuit of a polynomial (the inner estimate traced in the
revealed values), its terms, and the conversions of concrete numbers they share with the other routes."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ...domains.circuit import Circuit, Gate, cone
from ..base import Outcome


def circuit_of_polynomial(base: Circuit, poly: Any, symbol_to_input: Mapping[Any, str]) -> Circuit:
    """`base` extended by gates computing `poly` with each symbol replaced by its input; output: the new wire.

    `poly` is a sympy expression or `Poly` in the symbols of `symbol_to_input` (or a plain number).
    The inputs (ids and law) and gates of `base` are kept, so the new wire can be combined with
    base's wires; take `cone(result, result.output)` to drop what the polynomial does not use.
    Powers are chains of products (x^k = x^(k-1) * x, shared between monomials), each monomial a
    chain of products of powers scaled by its coefficient (exact Fractions for rational ones), the
    monomials summed by add gates. Raises ValueError when `poly` is not a polynomial in the symbols.
    """
    taken = set(base.wires)
    counter = [0]

    def fresh(stem: str) -> str:
        while True:
            counter[0] += 1
            wire = f"{stem}{counter[0]}"
            if wire not in taken:
                taken.add(wire)
                return wire

    inputs = list(symbol_to_input.values())
    for x in inputs:
        if not base.has_wire(x) or base.gate(x) is not None:
            raise ValueError(f"{x!r} is not an input of the base circuit")
    gates: list[Gate] = []
    powers: dict[tuple[str, int], str] = {}

    def power(x: str, k: int) -> str:
        if k == 1:
            return x
        if (x, k) not in powers:
            lower = power(x, k - 1)
            wire = fresh("pw")
            gates.append(Gate(wire, "mul", (lower, x)))
            powers[(x, k)] = wire
        return powers[(x, k)]

    summands: list[str] = []
    for exponents, coefficient in polynomial_terms(poly, list(symbol_to_input)):
        factors = [power(x, e) for x, e in zip(inputs, exponents) if e]
        if not factors:
            wire = fresh("pc")
            gates.append(Gate(wire, "const", (), coefficient))
            summands.append(wire)
            continue
        acc = factors[0]
        for other in factors[1:]:
            wire = fresh("pm")
            gates.append(Gate(wire, "mul", (acc, other)))
            acc = wire
        if coefficient != 1:
            wire = fresh("ps")
            gates.append(Gate(wire, "scale", (acc,), coefficient))
            acc = wire
        summands.append(acc)
    if not summands:
        wire = fresh("pc")
        gates.append(Gate(wire, "const", (), Fraction(0)))
        summands.append(wire)
    acc = summands[0]
    for other in summands[1:]:
        wire = fresh("pa")
        gates.append(Gate(wire, "add", (acc, other)))
        acc = wire
    if acc in base.wires or not gates or gates[-1].id != acc:
        wire = fresh("po")  # the output is always a new wire, even for the bare polynomial x
        gates.append(Gate(wire, "scale", (acc,), Fraction(1)))
        acc = wire
    return Circuit(base.inputs, base.gates + tuple(gates), acc, base.joint)


def polynomial_terms(poly: Any, symbols: Sequence[Any]) -> list[tuple[tuple[int, ...], Any]]:
    """The (exponents, coefficient) pairs of `poly` in `symbols`, zero terms left out; coefficients are
    Fractions when rational. Raises ValueError when `poly` is not a polynomial in exactly those symbols."""
    if _is_plain_number(poly):
        return [((0,) * len(symbols), _plain(poly))] if poly != 0 else []
    import sympy  # lazy: sympy adds about half a second to start-up and most runs never trace

    if not symbols:
        expr = poly.as_expr() if isinstance(poly, sympy.Poly) else poly
        if not getattr(expr, "is_number", False):
            raise ValueError(f"{poly} is not a number (no symbols were given)")
        value = _plain(expr)
        return [((), value)] if value != 0 else []
    try:
        p = poly if isinstance(poly, sympy.Poly) else sympy.Poly(poly, *symbols)
    except sympy.PolynomialError as exc:
        raise ValueError(f"not a polynomial in {', '.join(map(str, symbols))}: {exc}") from None
    if tuple(p.gens) != tuple(symbols):
        p = sympy.Poly(p.as_expr(), *symbols)
    extra = p.free_symbols - set(symbols)
    if extra:
        raise ValueError(f"{p.as_expr()} depends on {', '.join(sorted(map(str, extra)))}, not only on the symbols")
    return [(tuple(int(e) for e in m), _plain(c)) for m, c in p.terms() if c != 0]


def _is_plain_number(v: Any) -> bool:
    return isinstance(v, (int, float, Fraction)) and not isinstance(v, bool)


def _plain(v: Any) -> Any:
    """A concrete number as a Fraction (exact) or a float; sympy numbers converted, others unchanged."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return Fraction(int(v))
    if type(v).__module__.startswith("sympy"):  # before numbers.Real: sympy registers its numbers there
        if getattr(v, "is_Rational", False):
            return Fraction(int(v.p), int(v.q))
        return float(v) if getattr(v, "is_number", False) else v
    if isinstance(v, numbers.Real):
        return float(v)
    return v


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
