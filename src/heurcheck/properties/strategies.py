"""Hypothesis strategies for argument sets, drawn to fit a given instance (they shrink to the empty set)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ..arguments import Arguments
from ..domains.circuit import Circuit, CumulantOrder, KeepCumulant, RevealInput, support


def reveal_values(c: Circuit, input_id: str) -> Any:
    """Values an input can be revealed to have: its support, or small rationals for a Gaussian."""
    inp = c.inputs[c.wire_index(input_id)]
    s = support(inp.dist) if inp.dist is not None else None
    if s is not None:
        return st.sampled_from(list(dict.fromkeys(s[0])))  # in the law's order (symbols do not sort)
    return st.builds(Fraction, st.integers(-3, 3), st.sampled_from([1, 2]))


def circuit_atoms(c: Circuit, kinds: tuple[str, ...] = ("keep", "order", "reveal")) -> Any:
    """One argument atom that fits circuit `c`."""
    wires = list(c.wires)
    options: list[st.SearchStrategy[KeepCumulant | CumulantOrder | RevealInput]] = []
    if "keep" in kinds and wires:
        options.append(st.lists(st.sampled_from(wires), min_size=2, max_size=3).map(lambda w: KeepCumulant(tuple(w))))
    if "order" in kinds:
        options.append(st.integers(1, 4).map(CumulantOrder))
    if "reveal" in kinds and c.joint is None:
        ids = [i.id for i in c.inputs]
        options.append(st.sampled_from(ids).flatmap(lambda i: reveal_values(c, i).map(lambda v: RevealInput(i, v))))
    return st.one_of(*options)


def circuit_arguments(c: Circuit, max_atoms: int = 3, kinds: tuple[str, ...] = ("keep", "order", "reveal"),
                      min_atoms: int = 0) -> Any:
    """An argument set for `c` (at most one reveal per input, so the set is consistent)."""

    def consistent(atoms: list[Any]) -> Arguments:
        seen: set[str] = set()
        kept = []
        for a in atoms:
            if isinstance(a, RevealInput):
                if a.input in seen:
                    continue
                seen.add(a.input)
            kept.append(a)
        return Arguments(kept)

    return st.lists(circuit_atoms(c, kinds), min_size=min_atoms, max_size=max(max_atoms, min_atoms)).map(consistent)


def boolean_arguments(c: Any, max_atoms: int = 2, min_atoms: int = 0) -> Any:
    from ..domains.boolean import RevealBit

    ids = [i.id for i in c.inputs]
    reveal = st.tuples(st.sampled_from(ids), st.sampled_from([0, 1])).map(lambda t: RevealBit(*t))
    most = min(max(max_atoms, min_atoms), len(ids))
    return st.lists(reveal, min_size=min(min_atoms, most), max_size=most, unique_by=lambda a: a.input).map(Arguments)


def permanent_arguments() -> Any:
    from ..domains.permanent import ColSums, EntryMultiset, RowSums, TotalSum

    atoms = st.sampled_from([RowSums(), ColSums(), TotalSum(), EntryMultiset()])
    return st.lists(atoms, max_size=4, unique=True).map(Arguments)


def circuit_family(domain: str, max_inputs: int, max_gates: int) -> tuple[Any, Any]:
    """(instances, arguments-for-an-instance) strategies for the circuit or boolean domain."""
    if domain == "boolean":
        from ..domains.boolean import instances

        return instances(max_inputs=max_inputs, max_gates=max_gates), boolean_arguments
    from ..domains.circuit import circuits

    return circuits(max_inputs=max_inputs, max_gates=max_gates), circuit_arguments
