"""The circuit of a polynomial: gates that compute a polynomial in some of a circuit's inputs (the
inverse of `moments.polynomial`, up to the circuit's shape)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ...numbers import polynomial_terms
from .model import Circuit, Gate


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
