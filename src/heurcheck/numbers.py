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


class OperationCount:
    """A tally of arithmetic operations, shared by the `Counted` numbers it makes (`wrap`)."""

    def __init__(self) -> None:
        self.operations = 0

    def wrap(self, value: Any) -> Counted:
        return Counted(float(value), self)


class Counted:
    """A float that adds one to its tally for every arithmetic operation (+ - * / negation, a power by
    an integer as its multiplications) done with it: run through a traceable estimator, the tally is
    the estimator's exact operation count. Comparisons are free. Mixed with ints, Fractions and floats
    (constants of the code) the result is counted too. Deliberately not convertible by float(): code
    that leaves the arithmetic for floats cannot be counted this way and says so by failing."""

    __slots__ = ("value", "tally")

    def __init__(self, value: float, tally: OperationCount) -> None:
        self.value = value
        self.tally = tally

    def _other(self, other: Any) -> float | None:
        if isinstance(other, Counted):
            return other.value
        if isinstance(other, (int, float, Fraction, np.number)) and not isinstance(other, bool):
            return float(other)
        return None

    def _op(self, other: Any, f: Any) -> Any:
        b = self._other(other)
        if b is None:
            return NotImplemented
        self.tally.operations += 1
        return Counted(f(b), self.tally)

    def __add__(self, o: Any) -> Any:
        return self._op(o, lambda b: self.value + b)

    def __radd__(self, o: Any) -> Any:
        return self._op(o, lambda b: b + self.value)

    def __sub__(self, o: Any) -> Any:
        return self._op(o, lambda b: self.value - b)

    def __rsub__(self, o: Any) -> Any:
        return self._op(o, lambda b: b - self.value)

    def __mul__(self, o: Any) -> Any:
        return self._op(o, lambda b: self.value * b)

    def __rmul__(self, o: Any) -> Any:
        return self._op(o, lambda b: b * self.value)

    def __truediv__(self, o: Any) -> Any:
        return self._op(o, lambda b: self.value / b)

    def __rtruediv__(self, o: Any) -> Any:
        return self._op(o, lambda b: b / self.value)

    def __neg__(self) -> Counted:
        self.tally.operations += 1
        return Counted(-self.value, self.tally)

    def __pos__(self) -> Counted:
        return self

    def __abs__(self) -> Counted:
        return Counted(abs(self.value), self.tally)

    def __pow__(self, k: Any) -> Any:
        if not isinstance(k, int) or isinstance(k, bool) or k < 0:
            return NotImplemented
        self.tally.operations += max(0, k - 1)
        return Counted(self.value ** k, self.tally)

    def _compare(self, o: Any) -> float:
        b = self._other(o)
        if b is None:
            raise TypeError(f"cannot compare a counted number with {o!r}")
        return b

    def __eq__(self, o: object) -> bool:
        b = self._other(o)
        return b is not None and self.value == b

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, o: Any) -> bool:
        return self.value < self._compare(o)

    def __le__(self, o: Any) -> bool:
        return self.value <= self._compare(o)

    def __gt__(self, o: Any) -> bool:
        return self.value > self._compare(o)

    def __ge__(self, o: Any) -> bool:
        return self.value >= self._compare(o)

    def __bool__(self) -> bool:
        return self.value != 0

    def __repr__(self) -> str:
        return f"Counted({self.value!r})"
