"""Number backends: what traceable code needs beyond the arithmetic operators.

Estimators are written with `+ - *` on their parameters; constants and the few
non-arithmetic operations go through a backend so the same code runs on float,
`fractions.Fraction`, sympy expressions and z3 terms. sympy and z3 are imported
only when their backend is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import numpy as np

Number = Any  # float | Fraction | sympy.Expr | z3.ArithRef: kept loose on purpose


class Backend(Protocol):
    name: str
    exact: bool
    dtype: Any

    def const(self, value: int | Fraction | float) -> Number: ...


@dataclass(frozen=True)
class _Backend:
    name: str
    exact: bool
    dtype: Any

    def const(self, value: int | Fraction | float) -> Number:
        if self.name == "float":
            return float(value)
        if self.name == "fraction":
            return Fraction(value)
        if self.name == "sympy":
            import sympy  # only when a value is symbolic (slow to import)

            return sympy.Rational(Fraction(value).numerator, Fraction(value).denominator)
        import z3  # only when a value is a z3 term (slow to import)

        q = Fraction(value)
        return z3.RealVal(f"{q.numerator}/{q.denominator}")

    def array(self, values: Any) -> np.ndarray:
        return np.array(values, dtype=self.dtype)

    def zeros(self, shape: Any) -> np.ndarray:
        if self.dtype is object:
            out = np.empty(shape, dtype=object)
            out.fill(self.const(0))
            return out
        return np.zeros(shape, dtype=self.dtype)


FLOAT = _Backend("float", False, np.float64)
FRACTION = _Backend("fraction", True, object)
SYMPY = _Backend("sympy", True, object)
Z3 = _Backend("z3", True, object)


def backend_of(values: Any) -> _Backend:
    """The backend that can hold every value in `values` (z3 > sympy > float > fraction)."""
    seen = {_kind(v) for v in values}
    for b in (Z3, SYMPY, FLOAT):
        if b.name in seen:
            return b
    return FRACTION


def _kind(v: Any) -> str:
    module = type(v).__module__
    if module.startswith("z3"):
        return "z3"
    if module.startswith("sympy"):
        return "sympy"
    if isinstance(v, (float, np.floating)):
        return "float"
    return "fraction"


def to_float(value: Number) -> float:
    """A concrete number as a float (raises TypeError for symbolic values)."""
    if isinstance(value, (int, float, Fraction, np.number)):
        return float(value)
    module = type(value).__module__
    if module.startswith("sympy") and getattr(value, "is_number", False):
        return float(value)
    raise TypeError(f"not a concrete number: {value!r}")


def is_finite_number(value: Any) -> bool:
    try:
        return math.isfinite(to_float(value))
    except (TypeError, ValueError, OverflowError):
        return False
