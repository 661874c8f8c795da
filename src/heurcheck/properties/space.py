"""What a property offers every engine: its case space for one domain and estimator.

A property does not know the engines. It describes where its cases live, in up to four forms,
and each engine interprets the forms it can:
- `draw`: a Hypothesis strategy of cases that shrinks structurally (the random engine searches it;
  the formal engines build it inside `domains.lifting.lifted()` to get structures with symbolic
  parameters proposed);
- `finite`: the whole of a finite domain, smallest first (the exhaustive engine decides it);
- `structures`: every structure up to a number of nodes, its parameters symbols (the formal engines
  decide each one for every value of its parameters; a finished size is the scope of a proof);
- `first`: a strategy of the cases where the property's faults show soonest (exactness on circuits:
  deep narrow circuits), which the random engine searches first with a tenth of its cases (a count, so
  the verdict does not depend on the machine's speed), for deterministic estimators; a violation found there is shrunk with the whole budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typing only: hypothesis is imported where strategies are built
    from hypothesis.strategies import SearchStrategy

    from .base import Case


@dataclass(frozen=True)
class Enumeration:
    """A finite family of cases, smallest first, and what it covers in words (the scope of a proof).

    `cases()` yields (size, case). `instances`, when given, is how many instances the family
    covers when that differs from its number of cases (one case standing for a whole population)."""

    scope: str
    cases: Callable[[], Iterator[tuple[int, Case]]]
    instances: int | None = None


@dataclass(frozen=True)
class CaseSpace:
    """A property's cases on one domain, in the forms it can offer (see the module docstring)."""

    domain: str
    draw: Callable[[], SearchStrategy[Case]] | None = None
    finite: Enumeration | None = None
    structures: Callable[[int], Enumeration] | None = None
    first: Callable[[], SearchStrategy[Case]] | None = None

    @property
    def only_finite(self) -> bool:
        """Nothing to draw: the finite enumeration is the whole space (every engine decides it exactly)."""
        return self.draw is None and self.finite is not None


def sized(cases: Iterable[Case]) -> Iterator[tuple[int, Case]]:
    """(size, case) for each case, the form `Enumeration.cases` yields."""
    return ((case.size(), case) for case in cases)
