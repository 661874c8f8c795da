"""set-semantics on arithmetic circuits: a keep atom is written again with its wires back to front."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ...domains.circuit import CumulantOrder, KeepCumulant, RevealInput, circuits
from ...domains.circuit.strategies import consistent, reveal_table
from ...domains.circuit.model import Circuit
from ...domains.codes import CODE_BYTES, codes


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


ATOM_CODE = 5  # bytes per atom: its kind, then its parameters
MAX_ATOMS = 4


@st.composite
def _distinct_atoms(draw: Any, y: Circuit) -> Any:
    """Two to four distinct atoms about `y`, of one kind or of every kind. The order of a set can only
    matter between two atoms or more, and most between atoms of one kind (two keeps, two orders).
    Drawn as one code, a byte per field, each towards its first value as the byte shrinks to 0:
    orders from 1 to 3 (the circuits drawn rarely have a degree above 3, so larger orders all give the
    exact value and cannot disagree), keeps of 2 or 3 wires, reveals at a value of the input's law."""
    wires, inputs = y.wires, y.inputs
    code = draw(codes(CODE_BYTES + MAX_ATOMS * ATOM_CODE))  # whether of one kind and how many; the atoms
    one_kind = code[0] % 4  # 0: every kind; else one kind
    atoms: list[Any] = []
    for k in range(2 + code[1] % (MAX_ATOMS - 1)):
        atom = code[CODE_BYTES + k * ATOM_CODE : CODE_BYTES + (k + 1) * ATOM_CODE]
        kind = one_kind or 1 + atom[0] % 3
        if kind == 1:
            atoms.append(CumulantOrder(1 + atom[1] % 3))
        elif kind == 2:
            atoms.append(KeepCumulant(tuple(wires[w % 64 % len(wires)] for w in atom[2 : 4 + atom[1] % 2])))
        elif y.joint is None:
            x = inputs[atom[1] % 64 % len(inputs)]
            table = reveal_table(x.dist)
            atoms.append(RevealInput(x.id, table[atom[2] % len(table)]))
    return consistent(list(dict.fromkeys(atoms)))


FACET = CircuitSetSemantics()
