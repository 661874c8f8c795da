"""From scratch, on permanents: n! times the product of the rows' average entries.

    heurcheck estimate examples/plugins/scratch/permanent_rows.py:RowAverages \
        examples/instances/permanent-3x3.json -a row-sums

What it reads from the instance (`heurcheck.domains.permanent.Matrix`): `entries`, a tuple of n rows
of n numbers. The argument atoms of permanents are payload-free facts (`RowSums`, `ColSums`,
`TotalSum`, `EntryMultiset`): an atom says "you may use this statistic", and the estimator computes
it from the entries. This one honours:
- `RowSums` (`-a row-sums`): perm(A) ~ n! prod_i (r_i / n), r_i the i-th row sum;
- `TotalSum` (`-a total-sum`): perm(A) ~ n! (S / n^2)^n, S the sum of all entries;
- `ColSums`, `EntryMultiset`: not used (row sums already fix what it estimates).
With neither fact it knows nothing it is allowed to use, and says so by raising `OutsideDomain`.
"""

from math import factorial

from heurcheck import Arguments, OutsideDomain
from heurcheck.domains.permanent import Matrix, RowSums, TotalSum


class RowAverages:
    """n! prod_i (r_i / n) given the row sums; n! (S / n^2)^n given only the total."""

    name = "row-averages"
    domains = frozenset({"permanent"})
    traceable = True

    def estimate(self, matrix: Matrix, arguments: Arguments):
        rows = matrix.entries
        n = len(rows)
        if arguments.of(RowSums):
            value = factorial(n)
            for row in rows:
                value = value * sum(row) / n
            return value
        if arguments.of(TotalSum):
            total = sum(sum(row) for row in rows)
            return factorial(n) * (total / n**2) ** n
        raise OutsideDomain("row-averages needs the row-sums or the total-sum fact (-a row-sums)")
