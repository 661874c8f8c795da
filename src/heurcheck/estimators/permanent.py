"""Closed-form permanent estimators: row, column, sum, uniq and row-column.

With r_i the row sums, c_j the column sums, S the total and e_n the n-th elementary symmetric
polynomial of the n^2 entries:

    row = n!/n^n prod_i r_i            col = n!/n^n prod_j c_j         sum = n! S^n / n^(2n)
    uniq = n! e_n(entries) / C(n^2, n)  rowcol = row * col / sum = n! prod r_i prod c_j / S^n

Design decision: the estimators READ the facts in Pi. The total sum S (and n) is the baseline
every permanent estimator may use; each estimator uses the facts it is named after when they
are in Pi and otherwise falls back to what Pi allows:

    perm-row     row     if `row-sums` in Pi, else sum
    perm-col     col     if `col-sums` in Pi, else sum
    perm-sum     sum     always
    perm-uniq    uniq    if `entry-multiset` in Pi, else sum
    perm-rowcol  rowcol  with `row-sums` and `col-sums`; row or col with only one; else sum

So an argument set changes an estimate only by what it tells, and the iterated-estimation
properties compare genuinely different information states. `default_arguments` lists the atom
texts the command line uses when the user gives none (the estimator's natural facts).

All five are traceable: generic `+ - *` and division by constants made with `backend.const`,
except rowcol, which divides by S^n and is therefore a rational function of the entries. S = 0
is outside rowcol's domain: concrete inputs raise `OutsideDomain` (the checker counts such a case
as not applicable); symbolic inputs leave the division to the backend.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from functools import reduce
from math import comb, factorial
from typing import Any, ClassVar

from ..arguments import Arguments
from ..domains.permanent import ColSums, EntryMultiset, Matrix, RowSums
from ..errors import OutsideDomain
from ..numbers import backend_of
from .base import Option

_PERMANENT = frozenset({"permanent"})


def _product(values: list[Any]) -> Any:
    return reduce(lambda a, b: a * b, values[1:], values[0])


def _row_sums(m: Matrix) -> list[Any]:
    return [reduce(lambda a, b: a + b, row[1:], row[0]) for row in m.entries]


def _col_sums(m: Matrix) -> list[Any]:
    return [reduce(lambda a, b: a + b, col[1:], col[0]) for col in zip(*m.entries)]


def _total(m: Matrix) -> Any:
    values = m.parameters()
    return reduce(lambda a, b: a + b, values[1:], values[0])


def elementary_symmetric(values: list[Any], k: int, one: Any, zero: Any) -> list[Any]:
    """[e_0, ..., e_k] of `values` by the recurrence e_j <- e_j + x e_(j-1), generic arithmetic."""
    e = [one] + [zero] * k
    for x in values:
        for j in range(min(k, len(values)), 0, -1):
            e[j] = e[j] + e[j - 1] * x
    return e


def row_estimate(m: Matrix) -> Any:
    """row = n!/n^n prod_i r_i: the average of perm over independent shuffles within each row."""
    n = m.n
    return backend_of(m.parameters()).const(Fraction(factorial(n), n**n)) * _product(_row_sums(m))


def col_estimate(m: Matrix) -> Any:
    """col = n!/n^n prod_j c_j."""
    n = m.n
    return backend_of(m.parameters()).const(Fraction(factorial(n), n**n)) * _product(_col_sums(m))


def sum_estimate(m: Matrix) -> Any:
    """sum = n! S^n / n^(2n): every entry replaced by the mean entry S/n^2."""
    n = m.n
    return backend_of(m.parameters()).const(Fraction(factorial(n), n ** (2 * n))) * _product([_total(m)] * n)


def uniq_estimate(m: Matrix) -> Any:
    """uniq = n! e_n(entries) / C(n^2, n): the average of perm over all n^2! shuffles of the entries.

    Floats are computed exactly and rounded once: the recurrence in floats cancels (on a +-1 matrix
    e_n is a small alternating sum of binomials of size C(n^2, n); 5e-4 relative error at n = 16).
    """
    n = m.n
    values = m.parameters()
    backend = backend_of(values)
    scale = Fraction(factorial(n), comb(n * n, n))
    if backend.name == "fraction":
        return scale * exact_elementary_symmetric(values, n)
    if backend.name == "float" and all(math.isfinite(v) for v in values):
        return float(scale * exact_elementary_symmetric(values, n))
    e = elementary_symmetric(values, n, backend.const(1), backend.const(0))
    return backend.const(scale) * e[n]


def exact_elementary_symmetric(values: list[Any], k: int) -> Fraction:
    """e_k of finite floats (or ints, Fractions) exactly: each value is a ratio of integers, all are put
    over one common denominator D, and e_k(a / D) = e_k(a) / D^k is the coefficient of t^k in the
    product over distinct integers a of (1 + a t)^(multiplicity of a), in Python integers."""
    ratios = [Fraction(v) for v in values]  # exact for floats (binary fractions)
    common = math.lcm(*(q.denominator for q in ratios)) if ratios else 1
    counts = Counter(q.numerator * (common // q.denominator) for q in ratios)
    e = [1] + [0] * k
    for a, count in counts.items():
        if a == 0:
            continue
        # multiply by (1 + a t)^count = sum_j C(count, j) a^j t^j, truncated to degree k
        factor = [comb(count, j) * a**j for j in range(min(count, k) + 1)]
        e = [sum(e[i - j] * factor[j] for j in range(min(i, len(factor) - 1) + 1)) for i in range(k + 1)]
    return Fraction(e[k], common**k)


def rowcol_estimate(m: Matrix) -> Any:
    """rowcol = row * col / sum = n! prod_i r_i prod_j c_j / S^n; S = 0 raises OutsideDomain."""
    n = m.n
    total = _total(m)
    if isinstance(total, (int, float, Fraction)) and total == 0:
        raise OutsideDomain("perm-rowcol divides by the total sum S^n, and S = 0: outside its domain")
    numerator = backend_of(m.parameters()).const(factorial(n)) * _product(_row_sums(m) + _col_sums(m))
    return numerator / _product([total] * n)


class RowEstimator:
    """perm-row: row = n!/n^n prod r_i when `row-sums` is in Pi, else sum."""

    name: ClassVar[str] = "perm-row"
    domains: ClassVar[frozenset[str]] = _PERMANENT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("row-sums",)

    def estimate(self, instance: Matrix, arguments: Arguments) -> Any:
        return row_estimate(instance) if RowSums() in arguments else sum_estimate(instance)


class ColumnEstimator:
    """perm-col: col = n!/n^n prod c_j when `col-sums` is in Pi, else sum."""

    name: ClassVar[str] = "perm-col"
    domains: ClassVar[frozenset[str]] = _PERMANENT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("col-sums",)

    def estimate(self, instance: Matrix, arguments: Arguments) -> Any:
        return col_estimate(instance) if ColSums() in arguments else sum_estimate(instance)


class SumEstimator:
    """perm-sum: sum = n! S^n / n^(2n), whatever Pi holds."""

    name: ClassVar[str] = "perm-sum"
    domains: ClassVar[frozenset[str]] = _PERMANENT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("total-sum",)

    def estimate(self, instance: Matrix, arguments: Arguments) -> Any:
        return sum_estimate(instance)


class UniqEstimator:
    """perm-uniq: uniq = n! e_n(entries) / C(n^2, n) when `entry-multiset` is in Pi, else sum."""

    name: ClassVar[str] = "perm-uniq"
    domains: ClassVar[frozenset[str]] = _PERMANENT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("entry-multiset",)

    def estimate(self, instance: Matrix, arguments: Arguments) -> Any:
        return uniq_estimate(instance) if EntryMultiset() in arguments else sum_estimate(instance)


class RowColumnEstimator:
    """perm-rowcol: row * col / sum with both `row-sums` and `col-sums`, row or col with one, sum with neither.

    A rational function of the entries; S = 0 is outside its domain (OutsideDomain).
    """

    name: ClassVar[str] = "perm-rowcol"
    domains: ClassVar[frozenset[str]] = _PERMANENT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("row-sums", "col-sums")

    def estimate(self, instance: Matrix, arguments: Arguments) -> Any:
        rows, cols = RowSums() in arguments, ColSums() in arguments
        if rows and cols:
            return rowcol_estimate(instance)
        if rows:
            return row_estimate(instance)
        if cols:
            return col_estimate(instance)
        return sum_estimate(instance)
