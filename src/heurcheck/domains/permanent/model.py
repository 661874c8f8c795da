"""The permanent instance: a square matrix A (the quantity is perm(A)), and perm(A) as a hafnian."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ...numbers import backend_of
from ..hafnian.model import Covariance
from ..matrixform import Rows, check_square

MAX_PERMANENT_N = 30


@dataclass(frozen=True)
class Matrix:
    """A square matrix A; the quantity is perm(A)."""

    entries: tuple[tuple[Any, ...], ...]
    domain: ClassVar[str] = "permanent"

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(tuple(r) for r in self.entries))
        check_square(self.entries, "entries", MAX_PERMANENT_N)

    @property
    def n(self) -> int:
        return len(self.entries)

    def map_numbers(self, f: Callable[[Any], Any]) -> Matrix:
        """A copy with every entry replaced by f(entry), row by row."""
        return Matrix(tuple(tuple(f(v) for v in row) for row in self.entries))

    def parameters(self) -> list[Any]:
        """The n^2 entries, row by row."""
        return [v for row in self.entries for v in row]


def permanent_as_hafnian(matrix: Matrix | Rows) -> Covariance:
    """Sigma = [[0, A], [A^T, 0]], whose hafnian is perm(A) (perfect matchings of the bipartite graph)."""
    rows = matrix.entries if isinstance(matrix, Matrix) else tuple(tuple(r) for r in matrix)
    n = len(rows)
    zero = backend_of([v for r in rows for v in r]).const(0)
    top = [[zero] * n + list(rows[i]) for i in range(n)]
    bottom = [[rows[i][j] for i in range(n)] + [zero] * n for j in range(n)]
    return Covariance(tuple(tuple(r) for r in top + bottom))
