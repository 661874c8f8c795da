"""accuracy on permanents: besides the family, D can be every n x n matrix with entries +-1 (pm1,
the default) or 0/1 (01), uniformly."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ...domains.permanent import Matrix


@dataclass(frozen=True)
class Matrices:
    """Every n x n matrix with entries in {low, 1} (`entries` says which in words), uniformly."""

    low: int
    entries: str

    def members(self, n: int) -> list[Matrix]:
        return _matrices(n, self.low)

    def numbers(self, n: int) -> tuple[tuple[str, Any], ...]:
        return (("n", n), ("low", self.low))

    def what(self, n: int, count: int) -> str:
        return f"all {count} {self.entries} matrices of size {n}"


class PermanentAccuracy:
    auto = "pm1"
    enumerated: Mapping[str, Matrices] = {"pm1": Matrices(-1, "+-1"), "01": Matrices(0, "0/1")}

    def members_of(self, example: Matrix, numbers: Mapping[str, Any]) -> list[Matrix] | None:
        return _matrices(example.n, numbers["low"]) if "low" in numbers else None


def _matrices(n: int, low: int) -> list[Matrix]:
    """Every n x n matrix with entries in {low, 1}, in lexicographic order of the entries read row by row."""
    values = (Fraction(low), Fraction(1))
    return [Matrix(tuple(entries[i * n:(i + 1) * n] for i in range(n)))
            for entries in itertools.product(values, repeat=n * n)]


FACET = PermanentAccuracy()
