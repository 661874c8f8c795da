"""Every small sign matrix, smaller first (for the exhaustive engine)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from itertools import product

from .model import Matrix

SIGN_VALUES = {"pm1": (Fraction(1), Fraction(-1)), "01": (Fraction(0), Fraction(1))}


def sign_rows(n: int, entries: str = "pm1") -> Iterator[tuple[Fraction, ...]]:
    """Every row of length n with entries in {1, -1} ("pm1") or {0, 1} ("01")."""
    return product(SIGN_VALUES[entries], repeat=n)


def sign_matrices(max_n: int, entries: str = "pm1") -> Iterator[Matrix]:
    """Every n x n matrix with entries in {1, -1} ("pm1") or {0, 1} ("01"), n = 1..max_n, smaller
    first (2 + 16 + 512 + 65536 matrices up to n = 4)."""
    for n in range(1, max_n + 1):
        for flat in sign_rows(n * n, entries):
            yield Matrix(tuple(tuple(flat[i * n:(i + 1) * n]) for i in range(n)))
