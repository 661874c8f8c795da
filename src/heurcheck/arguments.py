"""Arguments Pi: frozen sets of typed, serialisable atoms.

Each atom belongs to one domain, has a JSON form (an object with a "kind") and a
one-line text form for the command line (`kind` or `kind:payload`). Certificates
are checked against the instance by `Arguments.check` before any estimator sees
them; order and duplicates never matter. Reading atoms by domain (`parse_atom`,
`arguments_from_json`) needs the domain registry, so it lives in `heurcheck.domains.registry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from .errors import InvalidArgument

A = TypeVar("A")


@runtime_checkable
class Atom(Protocol):
    """One argument. Implementations are frozen dataclasses (hashable, comparable)."""

    kind: ClassVar[str]
    domain: ClassVar[str]

    def to_json(self) -> dict[str, Any]: ...

    def text(self) -> str: ...

    def check(self, instance: Any) -> None:
        """Raise InvalidArgument unless this atom is meaningful for (and, if a certificate, true of) `instance`."""
        ...


@dataclass(frozen=True)
class Arguments:
    """An immutable set of atoms; `Arguments()` is the empty set."""

    atoms: frozenset[Any] = frozenset()

    def __init__(self, atoms: Iterable[Any] = ()) -> None:
        object.__setattr__(self, "atoms", frozenset(atoms))

    def __iter__(self) -> Iterator[Any]:
        return iter(sorted(self.atoms, key=lambda a: a.text()))

    def __len__(self) -> int:
        return len(self.atoms)

    def __contains__(self, atom: object) -> bool:
        return atom in self.atoms

    def __or__(self, other: Arguments | Iterable[Any]) -> Arguments:
        others = other.atoms if isinstance(other, Arguments) else frozenset(other)
        return Arguments(self.atoms | others)

    def __le__(self, other: Arguments) -> bool:
        return self.atoms <= other.atoms

    def __lt__(self, other: Arguments) -> bool:
        return self.atoms < other.atoms

    def of(self, cls: type[A]) -> tuple[A, ...]:
        """The atoms of one type, in a deterministic order."""
        return tuple(a for a in self if isinstance(a, cls))

    def without(self, cls: type) -> Arguments:
        return Arguments(a for a in self.atoms if not isinstance(a, cls))

    def check(self, instance: Any) -> None:
        for atom in self:
            if atom.domain != instance.domain:
                raise InvalidArgument(
                    f"argument {atom.text()!r} belongs to the {atom.domain} domain, "
                    f"not to this {instance.domain} instance"
                )
            atom.check(instance)

    def to_json(self) -> list[dict[str, Any]]:
        return [a.to_json() for a in self]

    def text(self) -> str:
        return " ".join(a.text() for a in self) or "(none)"


EMPTY = Arguments()
