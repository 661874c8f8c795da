"""The entry shuffles a set of permanent facts leaves in place: the blocks of cells they preserve
(`blocks`), and the orbit of a matrix under the shuffles that map every block to itself (`orbit`,
`orbit_size`). The symmetrising estimator averages over that group; the self-referential properties
average over its orbit."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterator
from itertools import product
from typing import Any

from ...arguments import Arguments
from .atoms import ColSums, RowSums
from .model import Matrix


def blocks(n: int, arguments: Arguments) -> list[list[tuple[int, int]]]:
    """The blocks of cells that H_Pi preserves: the meet of the rows (row-sums), the columns (col-sums)
    and the single block of all cells (every other fact)."""
    rows, cols = RowSums() in arguments, ColSums() in arguments
    grouped: dict[Hashable, list[tuple[int, int]]] = {}
    for i in range(n):
        for j in range(n):
            grouped.setdefault((i if rows else None, j if cols else None), []).append((i, j))
    return list(grouped.values())


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
