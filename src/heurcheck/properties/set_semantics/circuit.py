"""set-semantics on arithmetic circuits: a keep atom is written again with its wires back to front."""

from __future__ import annotations

from typing import Any

from ...domains.circuit import CumulantOrder, KeepCumulant, circuit_atoms, circuits
from ...domains.circuit.strategies import consistent
from ...domains.circuit.model import Circuit


class CircuitSetSemantics:
    def instances(self, max_gates: int) -> Any:
        # products weighted twice: the order of keep and order atoms only changes an estimate through one
        return circuits(max_inputs=3, max_gates=max_gates, ops=("mul", "add", "mul", "scale", "neg", "const"))

    def arguments(self, y: Circuit) -> Any:
        # the order of a set can only matter between two distinct atoms or more, and most between atoms of
        # one kind (two keeps, two orders): each case draws two to four distinct atoms, of every kind or one
        from hypothesis import strategies as st

        def distinct(kinds: tuple[str, ...]) -> Any:
            return st.lists(circuit_atoms(y, kinds), min_size=2, max_size=4, unique=True)

        # orders: two or three of 1..3 (the circuits drawn rarely have a degree above 3, so larger orders
        # all give the exact value and cannot disagree)
        orders = st.lists(st.integers(1, 3).map(CumulantOrder), min_size=2, max_size=3, unique=True)
        one_kind = st.one_of(orders, distinct(("keep",)), distinct(("reveal",)))
        return st.one_of(distinct(("keep", "order", "reveal")), one_kind).map(consistent)

    def rewritten(self, atom: Any) -> Any:
        if isinstance(atom, KeepCumulant):
            return KeepCumulant(tuple(reversed(atom.wires)))  # normalised on construction: same atom
        return atom


FACET = CircuitSetSemantics()
