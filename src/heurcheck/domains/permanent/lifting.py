"""Permanent instances with symbolic entries (`a.i.j`), for the formal engines."""

from __future__ import annotations

from ...symbols import symbol
from .model import Matrix


def lift_matrix(m: Matrix, prefix: str = "") -> Matrix:
    """The matrix with entry (i, j) replaced by the symbol `<prefix>a.i.j`."""
    return Matrix(tuple(tuple(symbol(f"{prefix}a.{i}.{j}") for j in range(m.n)) for i in range(m.n)))
