"""set-semantics on arithmetic circuits: a keep atom is written again with its wires back to front."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ...domains.circuit import CumulantOrder, KeepCumulant, RevealInput, circuits, reveal_values
from ...domains.circuit.strategies import consistent
from ...domains.circuit.model import Circuit


class CircuitSetSemantics:
    def instances(self, max_gates: int) -> Any:
        # products weighted twice: the order of keep and order atoms only changes an estimate through one
        return circuits(max_inputs=3, max_gates=max_gates, ops=("mul", "add", "mul", "scale", "neg", "const"))

    def arguments(self, y: Circuit) -> Any:
        return _distinct_atoms(y)

    def rewritten(self, atom: Any) -> Any:
        if isinstance(atom, KeepCumulant):
            return KeepCumulant(tuple(reversed(atom.wires)))  # normalised on construction: same atom
        return atom


@st.composite
def _distinct_atoms(draw: Any, y: Circuit) -> Any:
    """Two to four distinct atoms about `y`, of one kind or of every kind. The order of a set can only
    matter between two atoms or more, and most between atoms of one kind (two keeps, two orders).
    Drawn with a few integer choices (cheap to draw and to shrink, unlike strategies built per circuit):
    orders from 1 to 3 (the circuits drawn rarely have a degree above 3, so larger orders all give the
    exact value and cannot disagree), keeps of 2 or 3 wires, reveals at a value of the input's law."""
    wires, ids = list(y.wires), [i.id for i in y.inputs]
    one_kind = draw(st.integers(0, 3))  # 0: every kind; else one kind
    atoms: list[Any] = []
    for _ in range(draw(st.integers(2, 4))):
        kind = one_kind or draw(st.integers(1, 3))
        if kind == 1:
            atoms.append(CumulantOrder(draw(st.integers(1, 3))))
        elif kind == 2:
            atoms.append(KeepCumulant(tuple(wires[draw(st.integers(0, 63)) % len(wires)]
                                            for _ in range(draw(st.integers(2, 3))))))
        elif y.joint is None:
            x = ids[draw(st.integers(0, 63)) % len(ids)]
            atoms.append(RevealInput(x, draw(reveal_values(y, x))))
    return consistent(list(dict.fromkeys(atoms)))


FACET = CircuitSetSemantics()
