"""The estimator interface: a Protocol with one method, plus capabilities declared as class attributes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from ..arguments import Arguments


@dataclass(frozen=True)
class Estimate:
    """An estimate with, for randomised estimators, its standard error."""

    value: Any
    stderr: float | None = None


@dataclass(frozen=True)
class Option:
    """One keyword option an estimator accepts (`-o name=value` on the command line)."""

    type: Callable[[Any], Any]  # a class (int, float, bool, str) or a converter such as parse_order
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None


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
