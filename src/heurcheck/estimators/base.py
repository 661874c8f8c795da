"""The estimator interface: a Protocol with one method, plus capabilities declared as class attributes."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from ..arguments import Arguments
from ..numbers import plain


@dataclass(frozen=True)
class Estimate:
    """An estimate with, for randomised estimators, its standard error; and, for an estimator that cannot
    run in exact arithmetic, a bound it states on the floating-point rounding error of `value` (for
    example n * eps * the sum of the absolute values of the terms it added): the tolerance of every
    relation the estimate enters grows by that bound, and findings say so."""

    value: Any
    stderr: float | None = None
    rounding: float | None = None


MAX_SAMPLES = 10**8  # Monte Carlo draws an option may ask for (chunked: time, not memory, is the bound)
MAX_SEED = 2**32 - 1  # as --seed


@dataclass(frozen=True)
class Option:
    """One keyword option an estimator accepts (`-o name=value` on the command line)."""

    type: Callable[[Any], Any]  # a class (int, float, bool, str) or a converter such as parse_order
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None  # a bound that keeps a run within reach (10^13 samples would never end)


@runtime_checkable
class Estimator(Protocol):
    """G(Y | Pi): `estimate(instance, arguments)` returns a number of the instance's backend or an `Estimate`.

    Capabilities are class attributes:
    - `name`: the registry name;
    - `domains`: the domains whose instances it accepts;
    - `randomised`: True if the result is random (it must then return an `Estimate` with a stderr
      and take a `seed` option);
    - `traceable`: True if it runs unchanged on Fraction, sympy and z3 parameters;
    - `options`: name -> `Option`, the keywords its constructor accepts;
    - `effort` (optional): (option name, grid of values), the knob that trades cost for accuracy
      (a sample count, a cumulant order, a rank), lowest effort first; the matching-sampling
      property runs the estimator at each value of the grid;
    - `samples_drawn(instance)` (optional method): for a Monte Carlo estimator, how many samples of
      the quantity's model one estimate draws (its cost is then that many samples, counted as one);
    - `counts_with` (optional): "flopscope" when its array code goes through `flopscope.numpy`, so
      that flopscope can count its floating-point operations.
    Options are passed to the constructor as keywords. Plugins implement this shape; they do not subclass.
    A plugin may leave out `randomised`, `traceable` and `options`: `Capabilities.of` applies the
    defaults, and the rest of heurcheck reads capabilities only through it.
    """

    name: ClassVar[str]
    domains: ClassVar[frozenset[str]]
    randomised: ClassVar[bool]
    traceable: ClassVar[bool]
    options: ClassVar[Mapping[str, Option]]

    def estimate(self, instance: Any, arguments: Arguments) -> Any: ...


# `domains` of an estimator built on the Domain protocol alone (truth, monte_carlo): every domain
# registered, built-in or from an entry point, now or later
EVERY_DOMAIN: frozenset[str] = frozenset({"*"})


@dataclass(frozen=True)
class Capabilities:
    """What an estimator declares, with the defaults a plugin may leave out applied in one place:
    not randomised, not traceable, no options, no default arguments."""

    name: str
    domains: frozenset[str]
    randomised: bool = False
    traceable: bool = False
    options: Mapping[str, Option] = field(default_factory=dict)
    default_arguments: tuple[str, ...] = ()
    effort: tuple[str, tuple[Any, ...]] | None = None  # (option name, grid), see Estimator
    draws_samples: bool = False  # it declares samples_drawn(instance)
    flopscope: bool = False  # its array code goes through flopscope.numpy (counts_with = "flopscope")

    @classmethod
    def of(cls, estimator: object) -> Capabilities:
        """The capabilities of an estimator (class or instance) that passed the registry's validation."""
        return cls(
            name=str(getattr(estimator, "name", "the estimator")),
            domains=frozenset(getattr(estimator, "domains", ())),
            randomised=bool(getattr(estimator, "randomised", False)),
            traceable=bool(getattr(estimator, "traceable", False)),
            options=dict(getattr(estimator, "options", {})),
            default_arguments=tuple(getattr(estimator, "default_arguments", ())),
            effort=_effort(estimator),
            draws_samples=callable(getattr(estimator, "samples_drawn", None)),
            flopscope=getattr(estimator, "counts_with", None) == "flopscope",
        )

    def handles(self, domain: str) -> bool:
        """Whether it accepts instances of `domain`."""
        return domain in self.domains or self.domains == EVERY_DOMAIN

    def domains_among(self, known: Iterable[str]) -> frozenset[str]:
        """The domains of `known` it accepts."""
        return frozenset(d for d in known if self.handles(d))

    @property
    def reseedable(self) -> bool:
        """Whether the estimator takes a `seed` option (so the checker can rebuild it with fresh seeds)."""
        return "seed" in self.options

    @property
    def deterministic_traceable(self) -> bool:
        """Whether the formal engines can run it on symbolic parameters."""
        return self.traceable and not self.randomised


def _effort(estimator: object) -> tuple[str, tuple[Any, ...]] | None:
    """The declared effort knob, when it names one of the estimator's options and gives a non-empty grid."""
    declared = getattr(estimator, "effort", None)
    options = getattr(estimator, "options", {})
    if not (isinstance(declared, tuple) and len(declared) == 2):
        return None
    name, grid = declared
    if not isinstance(name, str) or name not in options or not isinstance(grid, (tuple, list)) or not grid:
        return None
    return name, tuple(grid)


def as_estimate(result: Any) -> Estimate:
    return result if isinstance(result, Estimate) else Estimate(result)


class BadResult(ValueError):
    """An estimator returned something that is not a usable estimate. `kind` is "type" (not a number:
    a string, a bool, an object) or "nan" (NaN, an infinity, or a number beyond the float range)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _number_text(value: Any) -> str:
    """A short text of a returned value (a huge int's repr would itself fail beyond 4,300 digits)."""
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        q = Fraction(value)
        bits = max(abs(q.numerator).bit_length(), q.denominator.bit_length())
        if bits > 200:
            return f"a {type(value).__name__} of about {int(bits * 0.30103)} digits"
    shown = repr(value) if type(value) in (int, float, Fraction, bool, str) else f"a {type(value).__name__}"
    return shown if len(shown) <= 60 else shown[:57] + "..."


def plain_number(value: Any, what: str = "returned") -> int | float | Fraction:
    """`value` as a built-in int, float or Fraction (numpy numbers converted; subclasses, and whatever they
    carry, left behind), or BadResult: bools and non-numbers are "type", NaN, infinities and numbers beyond
    the float range "nan"."""
    if type(value).__module__.startswith("sympy") and getattr(value, "is_number", False):
        value = plain(value)  # a concrete sympy number: its Fraction or float
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, Fraction, np.integer, np.floating)):
        raise BadResult("type", f"{what} {_number_text(value)}, not a number")
    if isinstance(value, (float, np.floating)):
        out: int | float | Fraction = float(value)
        if not math.isfinite(out):
            raise BadResult("nan", f"{what} {out}")
        return out
    out = int(value) if isinstance(value, (int, np.integer)) else Fraction(int(value.numerator), int(value.denominator))
    try:
        float(out)
    except OverflowError:
        raise BadResult("nan", f"{what} {_number_text(value)}, beyond the float range") from None
    return out


def checked_estimate(result: Any) -> Estimate:
    """The estimate (or plain number) an estimator returned, as an `Estimate` of built-in numbers, or
    BadResult: the value must be a finite number, the standard error None or a finite number >= 0."""
    estimate = as_estimate(result)
    value = plain_number(estimate.value)
    stderr = estimate.stderr
    if stderr is not None:
        stderr = float(plain_number(stderr, "returned a standard error of"))
        if stderr < 0:
            raise BadResult("nan", f"returned a negative standard error {stderr}")
    rounding = estimate.rounding
    if rounding is not None:
        rounding = float(plain_number(rounding, "returned a rounding bound of"))
        if rounding < 0:
            raise BadResult("nan", f"returned a negative rounding bound {rounding}")
    return Estimate(value, stderr, rounding)


@dataclass(frozen=True)
class Described:
    """What `heurcheck list` shows of an estimator."""

    name: str
    domains: tuple[str, ...]
    randomised: bool
    traceable: bool
    options: dict[str, Option] = field(default_factory=dict)
    summary: str = ""
    source: str = ""
