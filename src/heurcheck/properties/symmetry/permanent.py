"""symmetry on permanents: perm(P A Q) = perm(A) for permutation matrices P, Q, and with the parameter
`transpose`, perm(A^T) = perm(A) (under the transpose the row-sums and col-sums facts swap; the others
are about the whole matrix). The transpose is off by default: perm-row and perm-col read one side's
facts by design, so it separates them from the others for a reason the LIE paper states already."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.permanent import ColSums, Matrix, RowSums, matrices, permanent, permanent_arguments
from . import pair, permutations


def transposed_facts(pi: Arguments) -> Arguments:
    swap = {RowSums(): ColSums(), ColSums(): RowSums()}
    return Arguments(swap.get(atom, atom) for atom in pi)


class PermanentSymmetry:
    statement = "with its rows and columns permuted (and with transpose=true possibly transposed, row and " \
                "column facts swapped)"

    def cases(self, max_size: int, transpose: bool = False) -> Any:
        base = matrices(max_n=max(1, min(max_size, 4)), entries="small-int")

        @st.composite
        def build(draw: Any) -> Any:
            a, pi = draw(base), draw(permanent_arguments())
            rows, cols = draw(permutations(a.n)), draw(permutations(a.n))
            entries = tuple(tuple(a.entries[r][c] for c in cols) for r in rows)
            if transpose and draw(st.booleans()):
                return pair(a, pi, Matrix(tuple(zip(*entries))), transposed_facts(pi))
            return pair(a, pi, Matrix(entries), pi)

        return build()

    def same_quantity(self, y: Matrix, other: Matrix) -> bool:
        return bool(permanent(y.entries) == permanent(other.entries))


FACET = PermanentSymmetry()
