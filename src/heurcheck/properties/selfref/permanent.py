"""The self-referential properties on permanents: the symmetrisation route, over the orbit of A under
the entry shuffles that keep each block of `blocks(n, Pi)` in place; cases (A, Pi[, Pi'])."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from itertools import combinations
from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.permanent import ColSums, EntryMultiset, Matrix, RowSums, TotalSum, blocks, orbit, orbit_size, permanent
from ..base import Case


def _fact_sets() -> list[Arguments]:
    """Every set of permanent facts, smallest first (Hypothesis shrinks towards the front)."""
    atoms = (RowSums(), ColSums(), TotalSum(), EntryMultiset())
    return [Arguments(c) for k in range(len(atoms) + 1) for c in combinations(atoms, k)]


def permanent_cases(max_orbit: int, pairs: bool) -> Any:
    """Cases (A, Pi[, Pi']) for the symmetrisation route.

    A is 2x2 or 3x3 with entries +-1 or in -3..3 (an estimator that declares a matrix outside its
    domain, perm-rowcol at total sum 0, makes the case not applicable: every fact-preserving shuffle
    keeps the total, so the whole orbit is outside too). Pi ranges over the fact sets whose orbit has
    at most `max_orbit` matrices; with `pairs`, Pi' over the strict supersets of Pi.
    """
    kinds = {
        "pm1": st.sampled_from([Fraction(1), Fraction(-1)]),
        "small-int": st.integers(-3, 3).map(Fraction),
    }
    facts = _fact_sets()

    @st.composite
    def build(draw: Any) -> Case:
        n = draw(st.integers(2, 3))
        value = kinds[draw(st.sampled_from(sorted(kinds)))]
        entries = tuple(tuple(draw(value) for _ in range(n)) for _ in range(n))
        a = Matrix(entries)
        small = [pi for pi in facts if orbit_size(a, blocks(n, pi)) <= max_orbit]
        if not pairs:
            pi = draw(st.sampled_from(small))
            return Case((("A", a),), (("Pi", pi),))
        options = [(pi, pi2) for pi in small for pi2 in facts if pi < pi2]
        pi, pi2 = draw(st.sampled_from(options))
        return Case((("A", a),), (("Pi", pi), ("Pi'", pi2)))

    return build()


class PermanentSelfReference:
    """The symmetrisation route: the outer G(. | Pi) averages over the entry shuffles H_Pi."""

    routes = ("symmetrisation",)

    def cases(self, route: str, params: Mapping[str, Any], pairs: bool, traceable: bool) -> Any:
        return permanent_cases(params["max_orbit"], pairs)

    def orbit(self, a: Matrix, pi: Arguments) -> Iterator[Matrix]:
        return orbit(a, blocks(a.n, pi))

    def truth(self, a: Matrix) -> Any:
        return permanent(a.entries)


FACET = PermanentSelfReference()
