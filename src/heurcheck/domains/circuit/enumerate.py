"""Enumerators of circuits, smallest first: every small structure with symbolic parameters (for the
formal engines), and every finite-support circuit without constants (for the exhaustive engine).

A structure is a circuit whose shape (inputs, ops, wiring) is fixed and whose numbers (input
means, variances and probabilities, const and scale values) are symbols. Deciding a property for
one structure decides it for every value of those numbers; enumerating every structure up to a
size decides it for every circuit up to that size.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from itertools import combinations_with_replacement, product
from typing import Any

from ...arguments import Arguments
from ...symbols import symbol
from .atoms import CumulantOrder, KeepCumulant, RevealInput
from .model import Bernoulli, Circuit, Gate, Gaussian, Input, Rademacher

INPUT_IDS = ("x", "y", "z")
ORDERS = (1, 2, 3)


def circuit_structures(max_nodes: int, max_inputs: int = 2,
                       dists: tuple[str, ...] = ("gaussian",)) -> Iterator[tuple[int, Circuit]]:
    """(size, circuit) for every circuit of 1..max_nodes nodes (inputs + gates), smaller first.

    Inputs are x, y, z (up to `max_inputs`), each Gaussian with symbolic mean and variance (or
    Bernoulli with a symbolic probability, if "bernoulli" is in `dists`; inputs are
    interchangeable, so each multiset of laws appears once). Gate j is `gj`: add or mul of two
    earlier wires (an unordered pair, repeats allowed), neg or scale (symbolic factor) of one, or
    a const (symbolic value); the output is the last wire. With w wires before a gate there are
    w (w + 1) + 2 w + 1 choices: 5, 11, 19, 29 for w = 1..4. With one Gaussian law and up to 2
    inputs that makes 1, 6, 66 and 1,254 structures of sizes 1 to 4.
    """
    laws = {kind: lambda wire, kind=kind: _law(wire, kind) for kind in dists}
    yield from circuits_by_size(laws, INPUT_IDS[:max_inputs], max_nodes, valued=True)


def circuits_by_size(laws: dict[str, Any], input_ids: tuple[str, ...], max_nodes: int, max_gates: int | None = None,
                     valued: bool = True) -> Iterator[tuple[int, Circuit]]:
    """(size, circuit) for every circuit of 1..max_nodes nodes over inputs named from `input_ids`,
    each input's law made by `laws[kind](wire)` (each multiset of kinds once), at most `max_gates`
    gates; gates add/mul of an unordered pair of earlier wires, neg of one, and with `valued` also
    scale and const with symbolic values. The output is the last wire."""
    for size in range(1, max_nodes + 1):
        for n in range(1, min(len(input_ids), size) + 1):
            if max_gates is not None and size - n > max_gates:
                continue
            for kinds in combinations_with_replacement(sorted(laws), n):
                inputs = tuple(Input(i, laws[kind](i)) for i, kind in zip(input_ids, kinds))
                for gates in _gate_lists(tuple(i.id for i in inputs), size - n, valued):
                    yield size, Circuit(inputs, gates, gates[-1].id if gates else inputs[-1].id)


def count_structures(max_nodes: int, max_inputs: int = 2, dists: tuple[str, ...] = ("gaussian",)) -> dict[int, int]:
    out: dict[int, int] = {}
    for size, _ in circuit_structures(max_nodes, max_inputs, dists):
        out[size] = out.get(size, 0) + 1
    return out


def _law(wire: str, kind: str) -> Any:
    if kind == "gaussian":
        return Gaussian(symbol(f"{wire}.mean"), symbol(f"{wire}.var"))
    if kind == "bernoulli":
        return Bernoulli(symbol(f"{wire}.p"))
    raise ValueError(f"dists: expected gaussian or bernoulli, got {kind!r}")


def _gate_lists(inputs: tuple[str, ...], count: int, valued: bool) -> Iterator[tuple[Gate, ...]]:
    ids = [f"g{j}" for j in range(1, count + 1)]
    choices = [_gate_choices(list(inputs) + ids[:j], ids[j], valued) for j in range(count)]
    for picked in product(*choices):
        yield tuple(picked)


def _gate_choices(wires: list[str], gid: str, valued: bool) -> list[Gate]:
    out = []
    for op in ("add", "mul"):
        out += [Gate(gid, op, (a, b)) for a, b in combinations_with_replacement(wires, 2)]
    out += [Gate(gid, "neg", (a,)) for a in wires]
    if valued:
        out += [Gate(gid, "scale", (a,), symbol(f"{gid}.value")) for a in wires]
        out.append(Gate(gid, "const", (), symbol(f"{gid}.value")))
    return out


def argument_family(c: Circuit, keep: tuple[str, ...] = ()) -> list[Arguments]:
    """The argument sets the formal engines try on each structure: none, each cumulant order
    1..3, each input revealed at a symbolic value, and keeping the joint cumulant of `keep`."""
    family = [Arguments()] + [Arguments([CumulantOrder(k)]) for k in ORDERS]
    if c.joint is None:
        for i in c.inputs:
            seen = (0, 1) if isinstance(i.dist, Bernoulli) else (symbol(f"{i.id}.seen"),)
            family += [Arguments([RevealInput(i.id, v)]) for v in seen]
    if len(keep) >= 2:
        family.append(Arguments([KeepCumulant(tuple(keep))]))
    return family


ARGUMENT_FAMILY = "Pi = none, order:1..3, reveal of each input at a symbolic value, or keep of the wires compared"


def finite_support_circuits(n_inputs: int, max_gates: int) -> Iterator[Circuit]:
    """Every arithmetic circuit with up to `max_gates` gates over 1..n_inputs inputs of finite
    support, fewer nodes first: each input Rademacher (+-1) or Bernoulli(1/2) (each multiset of
    laws once), gates add or mul of an unordered pair of earlier wires (repeats allowed) or neg of
    one, the output the last wire. No constants, so the domain is finite and exactly enumerable."""
    laws = {"bernoulli": lambda wire: Bernoulli(Fraction(1, 2)), "rademacher": lambda wire: Rademacher()}
    ids = tuple(f"x{i}" for i in range(n_inputs))
    for _, c in circuits_by_size(laws, ids, n_inputs + max_gates, max_gates=max_gates, valued=False):
        yield c
