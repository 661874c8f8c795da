"""The exhaustive engine: evaluate every case of a finite domain, smallest first.

Finishing the enumeration without a violation is a proof over that finite domain (PROVED); an
enumeration stopped by the budget proves nothing, so `run_exhaustive` then returns None and the
caller reports INCONCLUSIVE. The first violation found is the smallest one, because the cases
come in size order.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..estimators.base import Estimator
from ..findings import Verdict
from ..properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome, Property, evaluate_case
from ..properties.space import CaseSpace
from .base import Decision, OnFinding, SearchOptions, SharedViolations, violation_text


@dataclass(frozen=True)
class ExhaustiveResult:
    """A finished enumeration: no witness and no failure means the property held on every case."""

    cases: int  # cases evaluated, the not-applicable ones included
    witness: tuple[Case, Outcome] | None
    failure: tuple[Case, EstimatorFailure] | None
    seconds: float
    not_applicable: int = 0  # cases the estimator declared outside its domain (skipped)
    last: tuple[Case, Outcome] | None = field(default=None, compare=False)  # the last case evaluated, its outcome
    tolerance: float = 0.0  # the largest tolerance any case was judged with: 0 when every comparison was exact
    shared: int = 0  # violations skipped because the reference (`Call.against`) violates them too

    @property
    def holds(self) -> bool:
        return self.witness is None and self.failure is None


@dataclass(frozen=True)
class ExhaustiveEngine:
    """Every case of the space's finite enumeration, in order: PROVED over it, the first violation in
    size order, or INCONCLUSIVE when the budget ends the enumeration (which then proves nothing)."""

    options: SearchOptions = SearchOptions()
    name: ClassVar[str] = "exhaustive"

    def fits(self, space: CaseSpace, estimator: Estimator) -> str | None:
        if space.finite is None:
            return f"the property offers no finite domain to enumerate on the {space.domain} domain"
        return None

    def decide(self, prop: Property, space: CaseSpace, call: Call, budget: float, on_finding: OnFinding) -> Decision:
        finite = space.finite
        assert finite is not None, "fits() refuses a space with no finite enumeration"
        scope = finite.scope
        # exhaustion judges each case exactly, with no statistical test: a randomised estimator is taken
        # as the fixed function its own seed makes it (no fresh draws per case, which would be noise)
        fixed = Call(call.estimator, timeout=call.timeout, rebuild=call.rebuild)
        fixed.reference, fixed.against = call.reference, call.against
        shared = SharedViolations(prop, fixed)
        result = run_exhaustive(prop, fixed, (case for _, case in finite.cases()), budget, shared)
        return shared.decided(self._decision(result, finite, scope))

    def _decision(self, result: ExhaustiveResult | None, finite: Any, scope: str) -> Decision:
        if result is None:
            return Decision(Verdict.INCONCLUSIVE, self.name, 0,
                            f"the budget ended the enumeration of {scope}: an unfinished enumeration proves nothing",
                            capped=True)
        population = finite.instances  # one case standing for a whole population: its outcome says it all
        cases = result.cases if population is None else population
        if result.failure is not None:
            return Decision.of_witness(self.name, cases, *result.failure)
        if result.witness is not None:
            case, out = result.witness
            said = out.detail if population is not None else \
                f"first violation in size order over {scope}: {violation_text(out)}"
            return Decision.of_witness(self.name, cases, out.witness or case, out, said, route=out.route)
        if population is not None and result.last is not None and result.shared == 0:
            case, out = result.last
            if not out.applicable:
                return Decision(Verdict.NOT_APPLICABLE, self.name, 0, out.detail)
            return Decision(out.standing or Verdict.PROVED, self.name, cases, out.detail, witness=None, found=out,
                            scope=scope, route=out.route)
        applicable = result.cases - result.not_applicable
        if applicable == 0:
            return Decision(Verdict.VACUOUS, self.name, result.cases, f"no case of {scope} was in the estimator's domain")
        # "exactly" only when every comparison was exact; a float estimator's holds within its tolerance
        how = "every one exactly" if result.tolerance == 0 else f"every one within tolerance {result.tolerance:.3g}"
        holds = "holds" if result.shared == 0 else "no violation but those the reference shares"
        return Decision(Verdict.PROVED, self.name, result.cases, f"{holds} over {scope}: {applicable} cases, {how}",
                        scope=scope)


def run_exhaustive(prop: Property, call: Call, cases: Iterable[Case], budget: float,
                   shared: SharedViolations | None = None) -> ExhaustiveResult | None:
    """Evaluate `cases` in order until the first violation or estimator failure.

    Returns None when the budget (seconds) runs out before the enumeration ends: an unfinished
    enumeration proves nothing. The budget is checked before each case, so one slow case may
    overrun it; a violation found is returned whatever the time.
    """
    start = time.perf_counter()
    deadline = start + budget
    count = skipped = 0
    witness: tuple[Case, Outcome] | None = None
    failure: tuple[Case, EstimatorFailure] | None = None
    last: tuple[Case, Outcome] | None = None
    tolerance = 0.0
    for case in cases:
        if time.perf_counter() > deadline:
            return None
        count += 1
        call.begin(case)
        try:
            out = evaluate_case(prop, case, call)
        except NotApplicable:
            skipped += 1
            continue
        except EstimatorFailure as exc:
            failure = (case, exc)
            break
        last = (case, out)
        if out.applicable:
            tolerance = max(tolerance, out.tolerance)
        if out.violates:
            if shared is not None and not shared.reference_holds(case, out, lambda o, _: o.violates):
                continue  # the reference violates it too: not a witness against the estimator
            witness = (case, out)
            break
    return ExhaustiveResult(count, witness, failure, time.perf_counter() - start, skipped, last, tolerance,
                            shared.count if shared is not None else 0)
