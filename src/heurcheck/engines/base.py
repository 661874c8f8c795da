"""The engine protocol: what every engine is given and what it returns.

An engine interprets a property's `CaseSpace` (see `heurcheck.properties.space`): `fits` says
whether it can decide that space for that estimator (None, or why not), and `decide` runs it
under a budget and returns one frozen `Decision`. Engines know nothing about particular
properties or domains; the checker turns a `Decision` into a `Finding` in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeAlias

from ..estimators.base import Capabilities, Estimator
from ..findings import Verdict
from ..properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome, Property, evaluate_case
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
    # with a reference (`Call.against`): how many violations it shared, and one of them
    against: dict[str, Any] = field(default_factory=dict)
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


class SharedViolations:
    """Violations the reference estimator shares (`--against`): counted, one kept as an example, never the witness.

    `reference_holds` is the failure predicate's second half: a case violates the check only when the
    estimator violates it AND the reference holds on it, so search and shrinking aim at cases that
    tell the two apart instead of filtering afterwards."""

    def __init__(self, prop: Property, call: Call) -> None:
        self.prop = prop
        self.reference = call.against
        self.count = 0
        self.example: tuple[Case, Outcome] | None = None

    def reference_holds(self, case: Case, out: Outcome, violates: Callable[[Outcome, bool], bool]) -> bool:
        """True when there is no reference, or it holds on `case` (`violates(outcome, randomised)` judges it);
        else the violation `out` is counted as shared."""
        if self.reference is None:
            return True
        try:
            ref = evaluate_case(self.prop, case, self.reference)
            holds = not violates(ref, self.reference.randomised)
        except NotApplicable:
            holds = True  # outside the reference's domain: the estimator's violation is its own
        except EstimatorFailure:
            holds = False  # the reference fails there too
        if not holds:
            self.count += 1
            if self.example is None or case.size() < self.example[0].size():
                self.example = (case, out)  # the smallest shared violation seen
        return holds

    def decided(self, decision: Decision) -> Decision:
        """The decision, saying how many violations were shared with the reference."""
        if self.reference is None:
            return decision
        shared: dict[str, Any] = {"shared": self.count}
        if self.example is not None:
            case, out = self.example
            shared["example"] = {"case": case.to_json(), "observed": {**out.to_json(), "size": case.size()}}
        if not self.count or decision.verdict.is_failure:  # a new witness: its message is written from its outcome
            return replace(decision, against=shared)
        assert self.example is not None, "a shared violation is kept as the example"
        case, out = self.example
        if decision.verdict is Verdict.PROVED:
            searched = "searched exhaustively"
        elif decision.cases:
            searched = f"no other in {decision.cases} cases, not a proof"
        else:  # stopped before it could count its cases (an enumeration cut short by the time cap)
            searched = f"the search stopped before it finished: {decision.message}; not a proof"
        return Decision(Verdict.SHARED, decision.engine, max(decision.cases, self.count),
                        f"{self.count} violation(s), all shared with the reference ({searched}); e.g. "
                        f"{violation_text(out)}", witness=case, found=out, route=decision.route, against=shared,
                        capped=decision.capped)


def deterministic_traceable(estimator: Estimator) -> bool:
    """Whether the formal engines can run the estimator on symbolic parameters."""
    return Capabilities.of(estimator).deterministic_traceable


def violation_text(found: Outcome) -> str:
    """`lhs relation rhs fails by ... (tolerance ...)`: a violation in one line, the two sides shown with
    enough digits to tell them apart (never "2 = 2 fails by 4e-06")."""
    observed = found.to_json()
    lhs, rhs = _sides(observed["lhs"], observed["rhs"])
    return (f"{lhs} {found.relation} {rhs} fails by "
            f"{found.violation:.6g} (tolerance {found.tolerance:.3g})"
            + (f", standard error {found.stderr:.3g}" if found.stderr else ""))


def _sides(lhs: object, rhs: object) -> tuple[str, str]:
    """Both sides at the fewest significant digits (6 to 17) at which two different values look different."""
    for digits in range(6, 18):
        shown = _show(lhs, digits), _show(rhs, digits)
        if shown[0] != shown[1] or _plain(lhs) == _plain(rhs):
            return shown
    return shown


def _plain(value: object) -> object:
    return (value.get("exact"), value.get("value"), value.get("text")) if isinstance(value, dict) else value


def _show(value: object, digits: int = 6) -> str:
    """A side of a relation for one line (the JSON form of `Outcome.to_json`): the exact rational when there
    is a short one, else the float at `digits` digits, else its text."""
    if not isinstance(value, dict):  # a finding written before sides had one form
        return f"{value:.{digits}g}" if isinstance(value, float) else str(value)
    exact, number = value.get("exact"), value.get("value")
    if exact is not None and (len(exact) <= 24 or number is None):
        return exact
    if number is not None:
        return f"{number:.{digits}g}"
    return str(value.get("text", exact))
