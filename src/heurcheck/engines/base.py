"""The engine protocol: what every engine is given and what it returns.

An engine interprets a property's `CaseSpace` (see `heurcheck.properties.space`): `fits` says
whether it can decide that space for that estimator (None, or why not), and `decide` runs it
under a budget and returns one frozen `Decision`. Engines know nothing about particular
properties or domains; the checker turns a `Decision` into a `Finding` in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from ..estimators.base import Capabilities, Estimator
from ..findings import Verdict
from ..properties.base import Call, Case, EstimatorFailure, Outcome, Property
from ..properties.space import CaseSpace

Found: TypeAlias = "Outcome | EstimatorFailure"
# called the moment a violation or an estimator failure is found, before any shrinking
OnFinding: TypeAlias = Callable[[Case, "Outcome | EstimatorFailure"], None]


class CaseGenerationError(Exception):
    """The property's case strategy or evaluation failed outside the estimator (a property bug)."""


@dataclass(frozen=True)
class SearchOptions:
    """The knobs engines share, fixed for a run."""

    seed: int = 0
    max_examples: int = 5000  # random: cases at most (the budget usually ends the search first)
    margin: float = 1000.0  # random: a case is shrunk while its violation stays this many tolerances
    alpha: float = 1e-3  # random: family-wise error rate of statistical verdicts
    max_nodes: int = 4  # formal: structures enumerated up to this many nodes


@dataclass(frozen=True)
class Decision:
    """What an engine concluded about one (property, estimator, domain), with its provenance.

    `witness` and `found` are the (shrunk) case and its outcome, or the estimator failure on it;
    `worst` the largest violation seen when it is not the witness; `scope` what a proof covers;
    `route` how a self-referential property was evaluated; `p_value` the family p-value of a
    statistical verdict; `capped` whether the time cap stopped the engine (evidence short of what the
    case count asked for). `message` is the one-line reason shown to the user; for a violation left
    empty, the checker writes it from the outcome."""

    verdict: Verdict
    engine: str
    cases: int = 0
    message: str = ""
    witness: Case | None = None
    found: Outcome | EstimatorFailure | None = None
    worst: tuple[Case, Outcome] | None = None
    scope: str | None = None
    route: str | None = None
    p_value: float | None = None
    capped: bool = False  # the time cap, not the case count or the enumeration's end, stopped the engine

    @classmethod
    def of_witness(cls, engine: str, cases: int, case: Case, found: Outcome | EstimatorFailure,
                   message: str = "", **more: object) -> Decision:
        """A violation (an outcome) or an estimator error (a failure) on `case`."""
        verdict = Verdict.ESTIMATOR_ERROR if isinstance(found, EstimatorFailure) else Verdict.VIOLATED
        return cls(verdict, engine, cases, message, witness=case, found=found, **more)  # type: ignore[arg-type]


class Engine(Protocol):
    """A way to decide a property: random search, exhaustion, a symbolic or SMT proof, or a chain."""

    @property
    def name(self) -> str: ...

    def fits(self, space: CaseSpace, estimator: Estimator) -> str | None:
        """None when this engine can decide `space` for `estimator`, else the reason it cannot."""
        ...

    def decide(self, prop: Property, space: CaseSpace, call: Call, budget: float, on_finding: OnFinding) -> Decision:
        """Decide within `budget` seconds, calling the estimator through `call`; report a violation
        through `on_finding` the moment it is found."""
        ...


def deterministic_traceable(estimator: Estimator) -> bool:
    """Whether the formal engines can run the estimator on symbolic parameters."""
    return Capabilities.of(estimator).deterministic_traceable


def violation_text(found: Outcome) -> str:
    """`lhs relation rhs fails by ... (tolerance ...)`: a violation in one line."""
    observed = found.to_json()
    return (f"{_show(observed['lhs'])} {found.relation} {_show(observed['rhs'])} fails by "
            f"{found.violation:.6g} (tolerance {found.tolerance:.3g})"
            + (f", standard error {found.stderr:.3g}" if found.stderr else ""))


def _show(value: object) -> str:
    """A side of a relation for one line: the exact rational when there is one, else 6 digits."""
    if isinstance(value, dict):
        return str(value["exact"]) if len(str(value["exact"])) <= 24 else f"{value['value']:.6g}"
    return f"{value:.6g}" if isinstance(value, float) else str(value)
