"""What every problem domain provides."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Protocol

from ..arguments import Arguments, Atom
from ..jsonio import Node, number_to_json


@dataclass(frozen=True)
class MonteCarlo:
    """A Monte Carlo estimate of the quantity: the sample mean and its standard error."""

    mean: float
    stderr: float
    samples: int
    seed: int


@dataclass(frozen=True)
class Description:
    """An instance described for people, as plain data that any renderer lays out: lines of text (the
    quantity as a formula, the inputs' laws) and small tables (a matrix: its caption and rows of cell text).
    A domain offers one with an optional `describe(instance)` method."""

    lines: tuple[str, ...] = ()
    tables: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()


def number_text(value: Any) -> str:
    """A parameter as text: an int, a short fraction p/q, a float as Python writes it (also a long fraction,
    such as a decimal read exactly from a file: 6228907412501105/10000000000000000 reads 0.6228907412501105),
    else its text."""
    if isinstance(value, Fraction) and value.denominator != 1 and len(str(value)) > SHORT_FRACTION:
        try:
            return repr(float(value))
        except OverflowError:
            return str(value)
    if isinstance(value, (int, float, Fraction)) and not isinstance(value, bool):
        return str(number_to_json(value))
    return str(value)


SHORT_FRACTION = 12  # characters of p/q shown as they are; a longer fraction is shown as its float


def matrix_table(caption: str, rows: Sequence[Sequence[Any]]) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """A matrix as a `Description` table: its caption and each entry as text."""
    return caption, tuple(tuple(number_text(v) for v in row) for row in rows)


def gate_formula(output: str, inputs: Sequence[str], gates: Sequence[Any],
                 spell: Callable[[str, tuple[tuple[str, int], ...], Any], tuple[str, int]], limit: int = 400
                 ) -> tuple[str, ...]:
    """A circuit's output as one formula over its inputs: `spell(op, ((text, precedence) of each argument),
    value)` writes a gate as (text, precedence), wrapping an argument of lower precedence than it needs.
    A formula longer than `limit` characters (shared gates repeat) is given gate by gate instead."""
    shown: dict[str, tuple[str, int]] = {i: (i, ATOM) for i in inputs}
    for g in gates:
        shown[g.id] = spell(g.op, tuple(shown[a] for a in g.args), g.value)
    if len(shown[output][0]) <= limit:
        return (shown[output][0],)
    return tuple(f"{g.id} = {spell(g.op, tuple((a, ATOM) for a in g.args), g.value)[0]}" for g in gates)


ATOM = 9  # the precedence of a name or a number: never wrapped


def wrapped(argument: tuple[str, int], needs: int) -> str:
    """An argument's text, in parentheses when it binds less tightly than `needs`."""
    text, precedence = argument
    return text if precedence >= needs else f"({text})"


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
    A domain may also offer `describe(instance) -> Description` (optional: see `registry.describe_instance`),
    which the HTML card shows for a witness.
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
