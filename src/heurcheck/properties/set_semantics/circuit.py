"""set-semantics on arithmetic circuits: a keep atom is written again with its wires back to front."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ...domains.circuit import CumulantOrder, KeepCumulant, RevealInput, circuits
from ...domains.circuit.strategies import atom_lists, consistent, reveal_table
from ...domains.circuit.model import Circuit
from ...domains.codes import pick


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


# two to four atoms, one code each (`heurcheck.domains.codes`), in a list that shrinks by deleting atoms
_ATOM_CODES = atom_lists(2, 4)


@st.composite
def _distinct_atoms(draw: Any, y: Circuit) -> Any:
    """Two to four distinct atoms about `y`, of one kind or of every kind. The order of a set can only
    matter between two atoms or more, and most between atoms of one kind (two keeps, two orders).
    Each atom is a code of four parameter bytes (the first-read one last) and a kind byte, each field
    towards its first value as its byte shrinks to 0; the first atom's kind byte also says whether all are
    of its kind (3 in 4) or each of its own: orders from 1 to 3 (the circuits drawn rarely have a degree above 3, so larger
    orders all give the exact value and cannot disagree), keeps of 2 or 3 wires, reveals at a value of
    the input's law."""
    wires, inputs = y.wires, y.inputs
    drawn = draw(_ATOM_CODES)
    one_kind = drawn[0][4] % 4  # 0: every kind; else one kind
    atoms: list[Any] = []
    for k, code in enumerate(drawn):
        kind = one_kind or 1 + (code[4] // 4 if k == 0 else code[4]) % 3
        if kind == 1:
            atoms.append(CumulantOrder(1 + code[3] % 3))
        elif kind == 2:
            atoms.append(KeepCumulant(tuple(wires[w % 64 % len(wires)] for w in code[2::-1][: 2 + code[3] % 2])))
        elif y.joint is None:
            x = inputs[code[3] % 64 % len(inputs)]
            atoms.append(RevealInput(x.id, pick(reveal_table(x.dist), code[2])))
    return consistent(list(dict.fromkeys(atoms)))


FACET = CircuitSetSemantics()
