"""linearity on permanents: the permanent is multilinear in each row, so X = perm(A with row i = r),
Y = perm(A with row i = u) and aX + bY = perm(A with row i = a r + b u)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.permanent import ColSums, EntryMultiset, Matrix, RowSums, TotalSum, matrices, permanent_arguments
from ...domains.permanent.enumerate import sign_matrices, sign_rows
from ..base import Case
from ..space import Enumeration
from . import COEFFICIENTS


class PermanentLinearity:
    def cases(self, form: str, max_gates: int) -> Any:
        """Every form is the row combination (a matrix has no second way of being written)."""
        small = matrices(max_n=3, entries="small-int")

        @st.composite
        def build(draw: Any) -> Case:
            m = draw(small)
            i = draw(st.integers(0, m.n - 1))
            u = tuple(draw(st.integers(-2, 2)) for _ in range(m.n))
            a, b = draw(COEFFICIENTS), draw(COEFFICIENTS)
            r = m.entries[i]

            def with_row(row: tuple[Any, ...]) -> Matrix:
                return Matrix(m.entries[:i] + (tuple(Fraction(v) for v in row),) + m.entries[i + 1 :])

            z = with_row(tuple(a * p + b * q for p, q in zip(r, u)))
            pi = draw(permanent_arguments())
            return Case((("X", m), ("Y", with_row(u)), ("Z", z)), (("Pi", pi),), (("a", a), ("b", b), ("row", i)))

        return build()

    def finite(self, n_max: int, kind: str) -> Enumeration | None:
        """Every sign (or 0/1) matrix X up to order `n_max`, every row i, every replacement row u of
        the same kind (Y), Z = X with row i = r + u (a = b = 1), Pi empty or one fact."""
        facts = [Arguments()] + [Arguments([f]) for f in (RowSums(), ColSums(), TotalSum(), EntryMultiset())]
        one = Fraction(1)

        def generate() -> Any:
            for m in sign_matrices(n_max, kind):
                replacements = list(sign_rows(m.n, kind))
                for i in range(m.n):
                    for u in replacements:
                        x, y, z = (Matrix(m.entries[:i] + (row,) + m.entries[i + 1:])
                                   for row in (m.entries[i], u, tuple(p + q for p, q in zip(m.entries[i], u))))
                        for pi in facts:
                            yield m.n, Case((("X", x), ("Y", y), ("Z", z)), (("Pi", pi),),
                                            (("a", one), ("b", one), ("row", i)))

        entries = "+-1" if kind == "pm1" else "0/1"
        return Enumeration(f"every {entries} matrix up to order {n_max}, every row replaced by every {entries} row "
                           f"(a = b = 1), Pi empty or one fact", generate)

    def structures(self, form: str) -> Callable[[int], Enumeration] | None:
        return None

    def same_function(self, c: Matrix, other: Matrix) -> bool:
        return c == other  # never asked: permanents have no semantic form


FACET = PermanentLinearity()
