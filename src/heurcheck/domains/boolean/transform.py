"""Transformations of boolean circuits: restriction of an input, and the arithmetisation as a `circuit` instance."""

from __future__ import annotations

from typing import Any

from ...arguments import EMPTY, Arguments
from ..circuit.atoms import ProvedEqual, RevealInput
from ..circuit.model import Bernoulli, Circuit, Gate, Input
from .atoms import ProvedConstant, RevealBit
from .model import BitInput, BoolGate, BooleanCircuit
from .truth import _revealed


def restrict(instance: BooleanCircuit, input_id: str, value: int) -> BooleanCircuit:
    """C[x_i = value]: the input becomes a const gate with the same id, so every wire id keeps its meaning."""
    RevealBit(input_id, value).check(instance)
    inputs = tuple(i for i in instance.inputs if i.id != input_id)
    return BooleanCircuit(inputs, (BoolGate(input_id, "const", (), value),) + instance.gates, instance.output)


def to_circuit(instance: BooleanCircuit, arguments: Arguments | None = None) -> Circuit:
    """The arithmetisation over Bernoulli inputs: AND = ab, OR = a + b - ab, NOT = 1 - a, XOR = a + b - 2ab.

    Every input and gate keeps its id (the last arithmetic gate of a boolean gate carries the
    boolean gate's id); auxiliary gates are named like `g3.ab`, `g3.sum`, `g3.neg`, `g3.one`.
    Boolean constants and revealed bits become const gates.
    """
    for x, v in _revealed(instance, arguments or EMPTY).items():
        instance = restrict(instance, x, v)
    taken = set(instance.wires)
    gates = [ag for g in instance.gates for ag in _arithmetise(g, taken)]
    return Circuit(tuple(Input(i.id, Bernoulli(i.p)) for i in instance.inputs), tuple(gates), instance.output)


def arguments_as_circuit(arguments: Arguments) -> Arguments:
    """Revealed bits and proved-constant sub-circuits, as the arithmetisation's atoms (same wire ids)."""
    atoms: list[Any] = [RevealInput(a.input, a.value) for a in arguments.of(RevealBit)]
    atoms += [ProvedEqual(a.wire, a.value) for a in arguments.of(ProvedConstant)]
    return Arguments(atoms)


def _arithmetise(g: BoolGate, taken: set[str]) -> list[Gate]:
    def aux(suffix: str) -> str:
        wire, n = f"{g.id}.{suffix}", 1
        while wire in taken:  # a user's wire may already be called "g3.ab"
            n += 1
            wire = f"{g.id}.{suffix}{n}"
        taken.add(wire)
        return wire

    if g.op == "const":
        return [Gate(g.id, "const", (), g.value)]
    if g.op == "and":
        return [Gate(g.id, "mul", g.args)]
    if g.op == "not":
        one, neg = aux("one"), aux("neg")
        return [Gate(one, "const", (), 1), Gate(neg, "neg", g.args), Gate(g.id, "add", (one, neg))]
    ab, total, neg = aux("ab"), aux("sum"), aux("neg")
    correction = Gate(neg, "neg", (ab,)) if g.op == "or" else Gate(neg, "scale", (ab,), -2)
    return [Gate(ab, "mul", g.args), Gate(total, "add", g.args), correction, Gate(g.id, "add", (total, neg))]


def renamed(c: BooleanCircuit, prefix: str) -> BooleanCircuit:
    """The same circuit with every wire id prefixed (so two copies can live side by side)."""
    return BooleanCircuit(tuple(BitInput(prefix + i.id, i.p) for i in c.inputs),
                          tuple(BoolGate(prefix + g.id, g.op, tuple(prefix + a for a in g.args), g.value)
                                for g in c.gates), prefix + c.output)


def side_by_side(y: BooleanCircuit, d: BooleanCircuit) -> BooleanCircuit:
    """One circuit holding both (wire ids disjoint), whose output is Y's."""
    return BooleanCircuit(y.inputs + d.inputs, y.gates + d.gates, y.output)


def product_of(x: BooleanCircuit, y: BooleanCircuit) -> tuple[BooleanCircuit, BooleanCircuit, BooleanCircuit]:
    """(X, Y, X AND Y) over one shared circuit whose inputs are X's and Y's (wire ids disjoint)."""
    both = BooleanCircuit(x.inputs + y.inputs, x.gates + y.gates + (BoolGate("XY", "and", (x.output, y.output)),),
                          "XY")
    return BooleanCircuit(both.inputs, both.gates, x.output), BooleanCircuit(both.inputs, both.gates, y.output), both
