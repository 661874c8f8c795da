"""Number backends: what traceable code needs beyond the arithmetic operators.

Estimators are written with `+ - *` on their parameters; constants and the few
non-arithmetic operations go through a backend so the same code runs on float,
`fractions.Fraction`, sympy expressions and z3 terms. sympy and z3 are imported
only when their backend is used.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
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


def is_plain_number(v: Any) -> bool:
    """An int, float or Fraction (not a bool, not symbolic)."""
    return isinstance(v, (int, float, Fraction)) and not isinstance(v, bool)


def plain(v: Any) -> Any:
    """A concrete number as a Fraction (exact) or a float; sympy numbers converted, others unchanged."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return Fraction(int(v))
    if type(v).__module__.startswith("sympy"):  # before numbers.Real: sympy registers its numbers there
        if getattr(v, "is_Rational", False):
            return Fraction(int(v.p), int(v.q))
        return float(v) if getattr(v, "is_number", False) else v
    if isinstance(v, numbers.Real):
        return float(v)
    return v


def polynomial_terms(poly: Any, symbols: Sequence[Any]) -> list[tuple[tuple[int, ...], Any]]:
    """The (exponents, coefficient) pairs of `poly` in `symbols`, zero terms left out; coefficients are
    Fractions when rational. Raises ValueError when `poly` is not a polynomial in exactly those symbols."""
    if is_plain_number(poly):
        return [((0,) * len(symbols), plain(poly))] if poly != 0 else []
    import sympy  # lazy: sympy adds about half a second to start-up and most runs never trace

    if not symbols:
        expr = poly.as_expr() if isinstance(poly, sympy.Poly) else poly
        if not getattr(expr, "is_number", False):
            raise ValueError(f"{poly} is not a number (no symbols were given)")
        value = plain(expr)
        return [((), value)] if value != 0 else []
    try:
        p = poly if isinstance(poly, sympy.Poly) else sympy.Poly(poly, *symbols)
    except sympy.PolynomialError as exc:
        raise ValueError(f"not a polynomial in {', '.join(map(str, symbols))}: {exc}") from None
    if tuple(p.gens) != tuple(symbols):
        p = sympy.Poly(p.as_expr(), *symbols)
    extra = p.free_symbols - set(symbols)
    if extra:
        raise ValueError(f"{p.as_expr()} depends on {', '.join(sorted(map(str, extra)))}, not only on the symbols")
    return [(tuple(int(e) for e in m), plain(c)) for m, c in p.terms() if c != 0]
