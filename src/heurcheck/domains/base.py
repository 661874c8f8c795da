"""What every problem domain provides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from ..arguments import Arguments, Atom
from ..jsonio import Node


@dataclass(frozen=True)
class MonteCarlo:
    """A Monte Carlo estimate of the quantity: the sample mean and its standard error."""

    mean: float
    stderr: float
    samples: int
    seed: int


class Instance(Protocol):
    """One instance of a domain: a frozen, hashable dataclass naming its domain."""

    domain: ClassVar[str]

    def map_numbers(self, f: Callable[[Any], Any]) -> Any:
        """A copy with every numeric parameter replaced by `f(value)` (floats, Fractions, sympy or z3 values)."""
        ...

    def parameters(self) -> list[Any]:
        """Every numeric parameter, in a fixed order."""
        ...


class Domain(Protocol):
    """A family of quantities Y: its instance type, file format, ground truths, strategies and argument atoms.

    Instances follow the `Instance` protocol: frozen dataclasses with a `domain` class attribute
    naming the domain and `map_numbers(f)` returning a copy with every numeric parameter replaced
    by `f(value)` (used to run traceable estimators on floats, Fractions, sympy or z3 values).
    """

    name: str
    summary: str
    instance_type: type
    atom_types: tuple[type[Atom], ...]  # the atom classes, each with its `kind`

    def from_json(self, node: Node) -> Any:
        """Build and validate an instance from its JSON form (raise InvalidInstance naming the field)."""
        ...

    def to_json(self, instance: Any) -> dict[str, Any]:
        """The JSON form, including `"domain": name`; `from_json(to_json(x)) == x`."""
        ...

    def truth(self, instance: Any, arguments: Arguments) -> Any:
        """The exact value of Y given what the arguments reveal (a Fraction when the parameters are rational)."""
        ...

    def monte_carlo(self, instance: Any, arguments: Arguments, samples: int, seed: int) -> MonteCarlo: ...

    def instances(self, **limits: Any) -> Any:
        """A Hypothesis strategy of instances that shrinks structurally."""
        ...

    def size(self, instance: Any) -> int:
        """How big an instance is (a witness's size: smaller is simpler)."""
        ...

    def lift(self, instance: Any, prefix: str = "") -> Any:
        """The instance with its numeric parameters as sympy symbols whose names start with `prefix`
        (for the formal engines); a domain without a symbolic form returns the instance unchanged."""
        ...


# The names a Domain object must provide, checked when a third-party domain is loaded.
DOMAIN_ATTRIBUTES = ("name", "summary", "instance_type", "atom_types")
DOMAIN_METHODS = ("from_json", "to_json", "truth", "monte_carlo", "instances", "size", "lift")
