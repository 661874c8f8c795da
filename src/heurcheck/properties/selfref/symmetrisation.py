"""The symmetrisation route's constructions: the orbit of a matrix under the entry shuffles that keep
each block of `blocks(n, Pi)` in place, and the permanent cases (A, Pi[, Pi'])."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction
from itertools import combinations, product
from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.permanent import ColSums, EntryMultiset, Matrix, RowSums, TotalSum
from ...estimators.symmetrize import blocks
from ..base import Case


def _fact_sets() -> list[Arguments]:
    """Every set of permanent facts, smallest first (Hypothesis shrinks towards the front)."""
    atoms = (RowSums(), ColSums(), TotalSum(), EntryMultiset())
    return [Arguments(c) for k in range(len(atoms) + 1) for c in combinations(atoms, k)]


def _distinct_permutations(values: list[Any]) -> Iterator[tuple[Any, ...]]:
    """Each distinct ordering of a multiset once (lexicographic next-permutation)."""
    a = sorted(values)
    n = len(a)
    while True:
        yield tuple(a)
        i = n - 2
        while i >= 0 and a[i] >= a[i + 1]:
            i -= 1
        if i < 0:
            return
        j = n - 1
        while a[j] <= a[i]:
            j -= 1
        a[i], a[j] = a[j], a[i]
        a[i + 1:] = reversed(a[i + 1:])


def orbit_size(m: Any, cells: list[list[tuple[int, int]]]) -> int:
    """How many distinct matrices the block-preserving shuffles make of `m` (a product of multinomials)."""
    total = 1
    for block in cells:
        counts = Counter(m.entries[i][j] for i, j in block)
        total *= math.factorial(len(block)) // math.prod(math.factorial(c) for c in counts.values())
    return total


def orbit(m: Any, cells: list[list[tuple[int, int]]]) -> Iterator[Any]:
    """The distinct matrices hA, h in the group that maps every block of cells to itself.

    The average of F(hA) over the group equals the uniform average of F over this orbit."""
    arrangements = [list(_distinct_permutations([m.entries[i][j] for i, j in block])) for block in cells]
    for choice in product(*arrangements):
        rows = [list(r) for r in m.entries]
        for block, values in zip(cells, choice):
            for (i, j), v in zip(block, values):
                rows[i][j] = v
        yield Matrix(tuple(tuple(r) for r in rows))


def permanent_cases(max_orbit: int, pairs: bool) -> Any:
    """Cases (A, Pi[, Pi']) for the symmetrisation route.

    A is 2x2 or 3x3 with entries +-1 or in -3..3 (an estimator that declares a matrix outside its
    domain, perm-rowcol at total sum 0, makes the case not applicable: every fact-preserving shuffle
    keeps the total, so the whole orbit is outside too). Pi ranges over the fact sets whose orbit has at most `max_orbit` matrices; with `pairs`, Pi' over
    the strict supersets of Pi.
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
