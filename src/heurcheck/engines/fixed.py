"""Fixed violations (`--against`): where the reference is violated and the estimator holds.

A check against a reference first searches the estimator's violations that the reference does not
share (new) and counts those it does (shared). When it finds no new one, the same engine searches
the other way round: the reference's violations on which the estimator holds. This is the same
search with the roles swapped (`SharedViolations` keeps a case only while the other estimator holds
on it), so it aims at, and shrinks onto, a case the change repaired instead of replaying whatever
witness the reference's own check happens to shrink to (often one the estimator shares).

A cell is "fixed" only on such a witness; no witness, no claim. Randomised estimators or references
are not judged this way: one case where a random estimate is not significantly off is no evidence
that a failure was repaired.
"""

from __future__ import annotations

from dataclasses import replace

from ..findings import Verdict
from ..properties.base import Call, EstimatorFailure, NotApplicable, Outcome, Property, evaluate_case
from .base import Decision, Engine, violation_text


def fixed_violation(engine: Engine, prop: Property, domain: str, call: Call, budget: float
                    ) -> tuple[Decision, Outcome] | None:
    """The reference's violation (with `call.against` the reference) on which the estimator holds: the
    decision of the swapped search and the estimator's outcome on its witness; None when the search finds
    none or the pair is not judged this way."""
    reference = call.against
    if reference is None or call.randomised or reference.randomised or budget <= 0:
        return None
    if prop.applies(reference.estimator, domain) is not None:
        return None
    space = prop.space(domain, reference.estimator)
    if engine.fits(space, reference.estimator) is not None:
        return None
    estimator = call.derived()
    estimator.against = None
    swapped = reference.derived()
    swapped.reference, swapped.against = call.reference, estimator
    decision = engine.decide(prop, space, swapped, budget, lambda case, found: None)
    if decision.verdict is not Verdict.VIOLATED or decision.witness is None or not isinstance(decision.found, Outcome):
        return None
    estimator.begin(decision.witness)
    try:
        held = evaluate_case(prop, decision.witness, estimator)
    except (EstimatorFailure, NotApplicable):  # the search saw it hold: a changed answer is no evidence
        return None
    return None if held.violates or not held.applicable else (decision, held)


def with_fixed(decision: Decision, fixed: Decision, estimator_outcome: Outcome) -> Decision:
    """The estimator's decision (no new violation) turned into a FIXED one: the witness is the case the
    reference violates and the estimator holds on; the reference's outcome there goes in `against`."""
    assert fixed.witness is not None and isinstance(fixed.found, Outcome), "a fixed violation has its witness"
    case, reference_out = fixed.witness, fixed.found
    message = (f"fixed: the reference is violated on a witness where the estimator holds (found in {fixed.cases} "
               f"cases), the reference's {violation_text(reference_out)}; {decision.message}")
    against = {**decision.against,
               "fixed": {"case": case.to_json(), "cases": fixed.cases,
                         "reference_observed": {**reference_out.to_json(), "size": case.size()}}}
    return replace(decision, verdict=Verdict.FIXED, message=message, witness=case,
                   found=estimator_outcome, worst=None, against=against)
