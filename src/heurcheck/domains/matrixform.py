"""Square matrices of numbers, shared by the permanent and hafnian domains: shape checks, the JSON
form of a matrix (rows of numbers), and the standard error of Monte Carlo samples."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import InvalidInstance, TruthTooExpensive
from ..jsonio import Node, number_to_json

Rows = Sequence[Sequence[Any]]

# exact truth of a rational matrix is refused when its result could have more digits than this (in the
# numerator's bound or the common denominator): such numbers take minutes of big-integer arithmetic and
# cannot even be printed in full (Python prints ints of at most 4,300 digits)
MAX_EXACT_DIGITS = 1000
FLOAT_LOG10_MAX = math.log10(1.7976931348623157e308)


def check_float_range(what: str, log10_bound: float) -> None:
    """TruthTooExpensive, at once, when `what` of a float matrix could overflow a float: `log10_bound` is the
    log10 of a bound on its absolute value (--exact computes in rationals instead)."""
    if log10_bound > FLOAT_LOG10_MAX:
        raise TruthTooExpensive(f"{what}: its value could reach about 10^{int(log10_bound)}, beyond the float "
                                f"range (limit 1.8e308); --exact computes in rationals")


def log10_abs(value: float) -> float:
    return math.log10(abs(value)) if value else -math.inf


def check_exact_digits(what: str, bound: int, denominator: int) -> None:
    """TruthTooExpensive, at once, when the exact `what` (at most `bound` in absolute value, over
    `denominator`) could have more than MAX_EXACT_DIGITS digits."""
    for name, value in (("value", bound), ("denominator", denominator)):
        digits = int(abs(value).bit_length() * 0.30103) + 1
        if digits > MAX_EXACT_DIGITS:
            raise TruthTooExpensive(f"{what}: its exact {name} could have about {digits} digits, more than the "
                                    f"limit of {MAX_EXACT_DIGITS} (entries with fewer digits are faster)")


def check_square(rows: Rows, field: str, max_n: int) -> None:
    n = len(rows)
    if not 1 <= n <= max_n:
        raise InvalidInstance(f"field {field}: expected 1 to {max_n} rows, got {n}")
    for i, row in enumerate(rows):
        if len(row) != n:
            raise InvalidInstance(f"field {field}[{i}]: expected {n} entries (a square matrix), got {len(row)}")


def matrix_from_json(node: Node, max_n: int) -> tuple[tuple[Fraction, ...], ...]:
    rows = list(node.items(1, max_n))
    n = len(rows)
    out = []
    for row in rows:
        if not isinstance(row.value, list):
            row.fail(f"a row of {n} numbers")
        if len(row.value) != n:
            raise InvalidInstance(
                f"field {row.path}: expected {n} entries (the matrix must be square, {n}x{n}), got {len(row.value)}"
            )
        out.append(tuple(v.number() for v in row.items()))
    return tuple(out)


def matrix_to_json(rows: Rows) -> list[list[Any]]:
    return [[number_to_json(v) for v in r] for r in rows]


def sample_stderr(values: np.ndarray) -> float:
    return float(values.std(ddof=1) / math.sqrt(len(values))) if len(values) > 1 else math.inf
