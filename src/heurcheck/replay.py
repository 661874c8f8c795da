"""Replay a saved finding against the current code: does its witness still fail?"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import HeurcheckError, InvalidFinding, InvalidInstance
from .estimators.base import Capabilities
from .estimators.registry import EstimatorSource, Registry, file_sha256
from .findings import Finding, finding_from_json
from .isolation import IsolationSettings, isolate, wanted
from .jsonio import Node, load_document
from .properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome
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
    changed = plugin_file_change(finding)
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
    call.begin(case)
    try:
        out = prop.evaluate(case, call)
    except EstimatorFailure as failure:
        return Replay(finding, True, None, f"the estimator still fails ({failure.kind}): {failure}"
                                           + (f"; {changed}" if changed else ""))
    except NotApplicable as exc:
        return Replay(finding, False, None, f"the witness is now outside the estimator's domain: {exc}")
    except HeurcheckError:
        raise
    except Exception as exc:  # the file's witness does not fit the property (a name missing, a wrong kind)
        raise InvalidFinding(f"the witness is not a case of {prop.name}: {exc.__class__.__name__}: {exc}") from None
    finally:
        if isolation is not None:
            isolation.close()
    if out.stderr:
        fails = out.applicable and out.violation > REPLAY_Z * out.stderr and out.violation > out.tolerance
    else:
        fails = out.violates
    verb = "still fails" if fails else "now holds"
    return Replay(finding, fails, out, f"{verb}: {out.lhs} {out.relation} {out.rhs} "
                                       f"(violation {out.violation:.6g}, tolerance {out.tolerance:.3g})"
                                       + (f"; {changed}" if changed else ""))


def plugin_file_change(finding: Finding) -> str | None:
    """For a finding of a `file.py:Class` estimator: None when its file is unchanged, else what changed
    (InvalidFinding when the file is gone)."""
    if finding.plugin_file is None:
        return None
    path = Path(finding.plugin_file["path"])
    if not path.is_file():
        raise InvalidFinding(f"the estimator's plugin file {path} no longer exists (the finding was made with "
                             f"sha256 {finding.plugin_file['sha256'][:12]})")
    now = file_sha256(path)
    if now == finding.plugin_file["sha256"]:
        return None
    return (f"the plugin file {path} changed since the finding was saved (sha256 "
            f"{finding.plugin_file['sha256'][:12]} then, {now[:12]} now)")
