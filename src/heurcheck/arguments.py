"""Arguments Pi: frozen sets of typed, serialisable atoms.

Each atom belongs to one domain, has a JSON form (an object with a "kind") and a
one-line text form for the command line (`kind` or `kind:payload`). Certificates
are checked against the instance by `Arguments.check` before any estimator sees
them; order and duplicates never matter. A *view* (`Arguments.view`) is the same set iterating in
another order, both through `atoms` and through iteration: the checker hands an estimator several
views of one set to see whether its estimate depends on the order (set-semantics). Reading atoms by domain (`parse_atom`,
`arguments_from_json`) needs the domain registry, so it lives in `heurcheck.domains.registry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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


class _Ordered(frozenset[Any]):
    """A frozenset that iterates in a given order: equal to, and hashed like, the plain set."""

    _order: tuple[Any, ...]

    def __new__(cls, order: Iterable[Any]) -> _Ordered:
        ordered = tuple(dict.fromkeys(order))
        made = super().__new__(cls, ordered)
        made._order = ordered
        return made

    def __iter__(self) -> Iterator[Any]:
        return iter(self._order)

    def __reduce__(self) -> tuple[Any, ...]:  # the order survives a trip to an isolated worker
        return (_Ordered, (self._order,))


@dataclass(frozen=True)
class Arguments:
    """An immutable set of atoms; `Arguments()` is the empty set."""

    atoms: frozenset[Any] = frozenset()

    def __init__(self, atoms: Iterable[Any] = ()) -> None:
        object.__setattr__(self, "atoms", frozenset(atoms))

    def __iter__(self) -> Iterator[Any]:
        if isinstance(self.atoms, _Ordered):
            return iter(self.atoms)
        return iter(self.sorted())

    def sorted(self) -> list[Any]:
        """The atoms in their canonical order (by text), whatever the view."""
        return sorted(self.atoms, key=lambda a: a.text())

    def view(self, order: Sequence[Any]) -> Arguments:
        """The same set, iterating (through `atoms` and through `iter`) in the order given, which must
        list exactly its atoms (repeats are dropped)."""
        if frozenset(order) != self.atoms:
            raise ValueError("a view lists exactly the atoms of its set")
        made = Arguments.__new__(Arguments)
        object.__setattr__(made, "atoms", _Ordered(order))
        return made

    def _like(self, atoms: Iterable[Any]) -> Arguments:
        """A set of `atoms` that keeps this one's view order (a view stays a view through `|` and `without`)."""
        if not isinstance(self.atoms, _Ordered):
            return Arguments(atoms)
        listed = list(atoms)
        return Arguments(listed).view([a for a in dict.fromkeys(listed)])

    def __len__(self) -> int:
        return len(self.atoms)

    def __contains__(self, atom: object) -> bool:
        return atom in self.atoms

    def __or__(self, other: Arguments | Iterable[Any]) -> Arguments:
        others = list(other.atoms if isinstance(other, Arguments) else other)
        return self._like(list(self.atoms) + others)

    def __le__(self, other: Arguments) -> bool:
        return self.atoms <= other.atoms

    def __lt__(self, other: Arguments) -> bool:
        return self.atoms < other.atoms

    def of(self, cls: type[A]) -> tuple[A, ...]:
        """The atoms of one type, in a deterministic order."""
        return tuple(a for a in self if isinstance(a, cls))

    def without(self, cls: type) -> Arguments:
        return self._like(a for a in self.atoms if not isinstance(a, cls))

    def check(self, instance: Any) -> None:
        for atom in self:
            if atom.domain != instance.domain:
                raise InvalidArgument(
                    f"argument {atom.text()!r} belongs to the {atom.domain} domain, "
                    f"not to this {instance.domain} instance"
                )
            atom.check(instance)

    def to_json(self) -> list[dict[str, Any]]:
        return [a.to_json() for a in self.sorted()]

    def text(self) -> str:
        return " ".join(a.text() for a in self.sorted()) or "(none)"


EMPTY = Arguments()
