"""The Hypothesis strategy of permanent instances."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..lifting import maybe_lifted
from ...arguments import Arguments
from .atoms import ColSums, EntryMultiset, RowSums, TotalSum
from .model import Matrix


def matrices(max_n: int = 4, entries: str = "pm1") -> Any:
    """Hypothesis strategy of `Matrix` instances with Fraction entries.

    `entries`: "pm1" (+-1, shrinking to 1), "01" (shrinking to 0), "small-int" (-3..3) or
    "rational" (|q| <= 2, denominators <= 4); n shrinks towards 1.
    """
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    kinds = {
        "pm1": st.sampled_from([Fraction(1), Fraction(-1)]),
        "01": st.sampled_from([Fraction(0), Fraction(1)]),
        "small-int": st.integers(-3, 3).map(Fraction),
        "rational": st.fractions(min_value=-2, max_value=2, max_denominator=4),
    }
    if entries not in kinds:
        raise ValueError(f"entries={entries!r}: expected one of {', '.join(kinds)}")
    value = kinds[entries]

    @st.composite
    def build(draw: Any) -> Matrix:
        n = draw(st.integers(1, max_n))
        return Matrix(tuple(tuple(draw(value) for _ in range(n)) for _ in range(n)))

    return maybe_lifted(build())


def permanent_arguments() -> Any:
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    atoms = st.sampled_from([RowSums(), ColSums(), TotalSum(), EntryMultiset()])
    return st.lists(atoms, max_size=4, unique=True).map(Arguments)
