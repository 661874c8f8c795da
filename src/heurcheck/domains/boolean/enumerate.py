"""Every small boolean circuit, fewer gates first (for the exhaustive engine)."""

from __future__ import annotations

import string
from collections.abc import Iterator
from fractions import Fraction
from itertools import product
from typing import Any

from .model import BitInput, BoolGate, BooleanCircuit

# The enumeration order within a size: the op, then its arguments in wire order.
OPS: tuple[tuple[str, int], ...] = (("and", 2), ("or", 2), ("xor", 2), ("not", 1))
_COMMUTATIVE = frozenset({"and", "or", "xor"})


def boolean_circuits(n_bits: int, max_gates: int, p: Any = Fraction(1, 2), *,
                     canonical: bool = False) -> Iterator[BooleanCircuit]:
    """Every boolean circuit on the inputs a, b, ... (n_bits of them, each with Pr[1] = p) with
    0..max_gates gates, fewer gates first.

    Gate j is `gj`, one of and/or/xor (2 args) or not (1 arg), each argument any earlier wire
    (repeats allowed, so `and(a, a)` is included); the output is the last gate. With 0 gates
    there is one circuit per input, whose output is that input. Gates whose value never reaches
    the output are kept: nothing is skipped. Within a size the order is lexicographic over the
    gate list (g1 varies slowest); a gate orders by op (and, or, xor, not), then by its arguments
    in wire order (inputs, then earlier gates).

    With w wires before a gate there are 3 w^2 + w choices for it, so k gates give
    prod_{w=n}^{n+k-1} (3 w^2 + w) circuits. `canonical=True` keeps only the commutative gates
    whose arguments are in wire order (drops `and(b, a)`, keeps `and(a, b)` and `and(a, a)`):
    3 w (w + 1) / 2 + w choices per gate. Counts for n_bits=2, max_gates=3: 22276 circuits
    (2 + 14 + 420 + 21840), and 8098 with canonical=True (2 + 11 + 231 + 7854).
    """
    if n_bits < 1 or n_bits > len(string.ascii_lowercase):
        raise ValueError(f"n_bits: expected 1..{len(string.ascii_lowercase)}, got {n_bits!r}")
    if max_gates < 0:
        raise ValueError(f"max_gates: expected a number >= 0, got {max_gates!r}")
    inputs = tuple(BitInput(string.ascii_lowercase[i], p) for i in range(n_bits))
    names = [x.id for x in inputs]
    for x in names:
        yield BooleanCircuit(inputs, (), x)
    for size in range(1, max_gates + 1):
        ids = [f"g{j}" for j in range(1, size + 1)]
        choices = [_gate_choices(names + ids[:j], canonical) for j in range(size)]
        for picked in product(*choices):
            gates = tuple(BoolGate(gid, op, args) for gid, (op, args) in zip(ids, picked))
            yield BooleanCircuit(inputs, gates, ids[-1])


def _gate_choices(wires: list[str], canonical: bool) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for op, arity in OPS:
        for idx in product(range(len(wires)), repeat=arity):
            if canonical and op in _COMMUTATIVE and idx[0] > idx[1]:
                continue
            out.append((op, tuple(wires[i] for i in idx)))
    return out
