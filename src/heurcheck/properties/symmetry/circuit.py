"""symmetry on arithmetic circuits: every wire relabelled by a bijection of ids (Pi's atoms renamed with
it) and the independent inputs listed in another order."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.circuit import Circuit, Gate, Input, circuit_arguments, circuits
from ...domains.circuit import truth as circuit_truth
from . import pair, permutations

WIRE_FIELDS = ("wire", "input")  # atom fields that name one wire; `wires` names several


def relabelled(c: Circuit, names: dict[str, str], order: list[int]) -> Circuit:
    """`c` with wire ids mapped by `names` and its inputs listed in `order` (independent inputs only)."""
    inputs = c.inputs if c.joint is not None else tuple(c.inputs[i] for i in order)
    return Circuit(tuple(Input(names[i.id], i.dist) for i in inputs),
                   tuple(Gate(names[g.id], g.op, tuple(names[a] for a in g.args), g.value) for g in c.gates),
                   names[c.output], c.joint)


def renamed_atom(atom: Any, names: dict[str, str]) -> Any:
    changes: dict[str, Any] = {}
    for f in fields(atom):
        value = getattr(atom, f.name)
        if f.name in WIRE_FIELDS:
            changes[f.name] = names[value]
        elif f.name == "wires":
            changes[f.name] = tuple(names[w] for w in value)
    return replace(atom, **changes) if changes else atom


class CircuitSymmetry:
    statement = "with every wire relabelled and its independent inputs reordered"

    def cases(self, max_size: int, transpose: bool = False) -> Any:
        base = circuits(max_inputs=3, max_gates=max(1, min(max_size, 6))) | \
            circuits(max_inputs=3, max_gates=max(1, min(max_size, 6)), joint=True)

        @st.composite
        def build(draw: Any) -> Any:
            c = draw(base)
            pi = draw(circuit_arguments(c))
            wires = list(c.wires)
            fresh = draw(permutations(len(wires)))
            names = {w: f"w{fresh[k]}" for k, w in enumerate(wires)}
            order = draw(permutations(len(c.inputs)))
            return pair(c, pi, relabelled(c, names, order), Arguments(renamed_atom(a, names) for a in pi))

        return build()

    def same_quantity(self, y: Circuit, other: Circuit) -> bool:
        return bool(circuit_truth(y) == circuit_truth(other))


FACET = CircuitSymmetry()
