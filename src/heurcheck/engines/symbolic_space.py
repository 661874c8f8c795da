"""Symbolic instance parameters: lifting instances to sympy symbols, their domain, and substitution.

The formal engines run a traceable estimator on an instance whose numeric parameters are sympy
symbols, so the estimate is an expression in those parameters. This module names the symbols,
says which values each may take (a variance is non-negative, a probability lies in [0, 1], a
joint covariance is L L^T for a free lower-triangular factor L, so it is positive semi-definite
by construction) and substitutes concrete rationals back to make an ordinary case to replay.

Symbol names carry their role: `x.mean`, `x.var`, `x.p`, `x.v0` (a uniform input's values),
`g.value` (a const or scale gate), `L.i.j` (a joint-Gaussian factor entry), `m.i` (a joint mean),
`a.i.j` (a matrix entry). A prefix `s<k>:` keeps the parameters of separately drawn instances apart.
Lifting itself belongs to each domain (`Domain.lift`); `lift` and `symbol` are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from fractions import Fraction
from typing import Any

from ..arguments import Arguments
from ..domains.lifting import lift
from ..properties.base import Case
from ..symbols import symbol


@dataclass(frozen=True)
class Space:
    """The symbols of a case and where each may range."""

    symbols: tuple[Any, ...]
    nonneg: frozenset[Any]
    probabilities: frozenset[Any]


def case_numbers(case: Case) -> list[Any]:
    """Every number of a case: instance parameters, argument values, the case's own numbers."""
    out: list[Any] = []
    for _, x in case.instances:
        out.extend(x.parameters())
    for _, args in case.arguments:
        for atom in args:
            out.extend(v for v in _atom_values(atom))
    out.extend(v for _, v in case.numbers)
    return out


def space_of(case: Case) -> Space:
    seen: dict[str, Any] = {}
    for v in case_numbers(case):
        for s in sorted(getattr(v, "free_symbols", ()), key=str):
            seen.setdefault(str(s), s)
    symbols = tuple(seen[k] for k in sorted(seen))
    return Space(symbols, frozenset(s for s in symbols if str(s).endswith(".var")),
                 frozenset(s for s in symbols if str(s).endswith(".p")))


def is_symbolic_case(case: Case) -> bool:
    return any(getattr(v, "free_symbols", None) for v in case_numbers(case))


def substitute(case: Case, values: Mapping[Any, Fraction]) -> Case:
    """The concrete case: every symbol replaced by its rational value (missing symbols are 0)."""
    import sympy  # slow to import: only the formal engines need it

    table = {s: sympy.Rational(q.numerator, q.denominator) for s, q in values.items()}

    def concrete(v: Any) -> Any:
        if not hasattr(v, "free_symbols"):
            return v
        r = v.xreplace(table)
        r = sympy.Rational(r.xreplace({s: 0 for s in r.free_symbols}))
        return Fraction(int(r.p), int(r.q))

    instances = tuple((k, x.map_numbers(concrete)) for k, x in case.instances)
    arguments = tuple((k, Arguments(_map_atom(a, concrete) for a in args)) for k, args in case.arguments)
    numbers = tuple((k, concrete(v)) for k, v in case.numbers)
    return Case(instances, arguments, numbers)


def canonical_key(case: Case) -> str:
    """A text that is the same for two symbolic cases that differ only in their symbols' names."""
    import sympy  # slow to import: only the formal engines need it

    order: dict[Any, Any] = {}
    for v in case_numbers(case):
        for s in sorted(getattr(v, "free_symbols", ()), key=str):
            order.setdefault(s, sympy.Symbol(f"t{len(order)}"))

    def show(v: Any) -> Any:
        return str(v.xreplace(order)) if hasattr(v, "free_symbols") else v

    parts = [(k, x.map_numbers(show)) for k, x in case.instances]
    args = [(k, sorted(repr(_map_atom(a, show)) for a in v)) for k, v in case.arguments]
    return repr((parts, args, [(k, show(v)) for k, v in case.numbers]))


def _atom_values(atom: Any) -> Iterable[Any]:
    if is_dataclass(atom):
        for f in fields(atom):
            if f.name == "value":
                yield getattr(atom, f.name)


def _map_atom(atom: Any, f: Any) -> Any:
    for value in _atom_values(atom):
        if hasattr(value, "free_symbols"):
            return replace(atom, value=f(value))
    return atom


__all__ = ["Space", "canonical_key", "case_numbers", "is_symbolic_case", "lift", "space_of", "substitute", "symbol"]
