"""Replay a saved finding against the current code: does its witness still fail?"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import HeurcheckError, InvalidFinding, InvalidInstance
from .checker import CheckSettings, References
from .estimators.base import Capabilities
from .estimators.registry import EstimatorSource, Registry
from .findings import Finding, finding_from_json
from .isolation import IsolationSettings, isolate, wanted
from .jsonio import Node, load_document
from .properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome, evaluate_case
from .properties.registry import create

REPLAY_Z = 3.0  # a randomised estimator's witness still fails when |lhs - rhs| > 3 standard errors


@dataclass(frozen=True)
class Replay:
    finding: Finding
    still_fails: bool
    outcome: Outcome | None
    message: str


def load_finding(path: str | Path) -> Finding:
    document = load_document(path, InvalidFinding)
    try:
        return finding_from_json(document, str(path))
    except InvalidFinding as exc:
        message = str(exc)
        raise InvalidFinding(message if message.startswith(str(path)) else f"{path}: {message}") from None


def replay(finding: Finding, registry: Registry | None = None) -> Replay:
    """Evaluate the finding's witness again, with the same estimator options, property parameters and seed
    (a third-party estimator in a worker process, as `check` runs it by default)."""
    if finding.witness is None:
        raise InvalidFinding(f"the finding has verdict {finding.verdict.value} and no witness to replay")
    registry = registry or Registry.default()
    estimator = registry.create(finding.estimator, **finding.options)
    prop = create(finding.property, **finding.parameters)
    try:
        case = Case.from_json(Node(finding.witness, "$.witness", InvalidFinding))
    except InvalidInstance as exc:
        raise InvalidFinding(f"the witness is not a valid case: {exc}") from None
    source: EstimatorSource = registry  # an IsolatedRegistry when the estimator runs isolated
    isolation = None
    if wanted("plugins", registry, finding.estimator):
        estimator, source, isolation = isolate(registry, finding.estimator, estimator, finding.options,
                                               IsolationSettings())
    def reseed(seed: int) -> Any:
        return source.create(finding.estimator, **{**finding.options, "seed": seed})

    randomised = Capabilities.of(estimator).reseedable
    call = Call(estimator, reseed=reseed if randomised else None, seed=finding.seed)
    references = References(registry, CheckSettings(seed=finding.seed, findings_dir=None))
    spec = getattr(prop, "reference_spec", None)  # the estimator a property compares with (agreement)
    call.reference = references.call(spec) if spec else None
    against = finding.against.get("reference") if finding.against else None
    call.begin(case)
    try:
        out = evaluate_case(prop, case, call)
        if against and out.violates and not _holds(prop, case, references.call(str(against))):
            return Replay(finding, False, out, f"still violated, but the reference {against} now violates it too "
                                               f"(or fails on it): shared, no longer new")
    except EstimatorFailure as failure:
        return Replay(finding, True, None, f"the estimator still fails ({failure.kind}): {failure}")
    except NotApplicable as exc:
        return Replay(finding, False, None, f"the witness is now outside the estimator's domain: {exc}")
    except HeurcheckError:
        raise
    except Exception as exc:  # the file's witness does not fit the property (a name missing, a wrong kind)
        raise InvalidFinding(f"the witness is not a case of {prop.name}: {exc.__class__.__name__}: {exc}") from None
    finally:
        references.close()
        if isolation is not None:
            isolation.close()
    if out.stderr:
        fails = out.applicable and out.violation > REPLAY_Z * out.stderr and out.violation > out.tolerance
    else:
        fails = out.violates
    verb = "still fails" if fails else "now holds"
    return Replay(finding, fails, out, f"{verb}: {out.lhs} {out.relation} {out.rhs} "
                                       f"(violation {out.violation:.6g}, tolerance {out.tolerance:.3g})")


def _holds(prop: Any, case: Case, reference: Call) -> bool:
    """Whether the reference estimator holds on the case (its failure on it is not the estimator's)."""
    reference.begin(case)
    try:
        return not evaluate_case(prop, case, reference).violates
    except (EstimatorFailure, NotApplicable):
        return False
