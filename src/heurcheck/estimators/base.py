"""The estimator interface: a Protocol with one method, plus capabilities declared as class attributes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    - `options`: name -> `Option`, the keywords its constructor accepts.
    Options are passed to the constructor as keywords. Plugins implement this shape; they do not subclass.
    """

    name: ClassVar[str]
    domains: ClassVar[frozenset[str]]
    randomised: ClassVar[bool]
    traceable: ClassVar[bool]
    options: ClassVar[Mapping[str, Option]]

    def estimate(self, instance: Any, arguments: Arguments) -> Any: ...


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
