"""Replay a saved finding against the current code: does its witness still fail?"""

from __future__ import annotations

import shlex
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import HeurcheckError, InvalidFinding, InvalidInstance, UnknownName, UntrustedCode
from .checker import CheckSettings, References
from .domains import domain_names
from .estimators.base import Capabilities
from .estimators.loading import load
from .estimators.registry import EstimatorSource, Registry, file_sha256, parse_reference
from .findings import Finding, finding_from_json
from .isolation import IsolationSettings
from .jsonio import Node, load_document
from .properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome, Property, evaluate_case
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


def require_trusted(registry: Registry, name: str, allowed: Collection[str], how: str) -> None:
    """The trust rule for data files: a finding or card may name a built-in estimator or one installed
    (entry points, registered in code), or one the user allowed by naming it (`allowed`); anything else
    (a `module:attr` or `file.py:attr` reference) is UntrustedCode, whose message ends with `how` to allow it."""
    if name in registry.names() or name in allowed:
        return
    if ":" not in name:  # not a reference: a name that is not registered (a typo, or a plugin not installed)
        raise UnknownName("estimator", name, registry.names())
    raise UntrustedCode(f"it names estimator {name!r}, which is not installed; code named by a data file is "
                        f"never imported unless you name it yourself: {how}")


def replay(finding: Finding, registry: Registry | None = None, estimator: str | None = None,
           allowed: Collection[str] = (), how: str = "") -> Replay:
    """Evaluate the finding's witness again, with the same estimator options, property parameters and seed,
    in a worker process under a timeout and a memory cap. The estimator is `estimator` when given (the
    user's choice), else the one the finding names, which must be trusted (`require_trusted`, `allowed`;
    `how` says how to allow it)."""
    if finding.witness is None:
        raise InvalidFinding(f"the finding has verdict {finding.verdict.value} and no witness to replay")
    if finding.domain not in domain_names():
        raise InvalidFinding(f"field $.domain: expected one of {', '.join(domain_names())}, got {finding.domain!r}")
    registry = registry or Registry.default()
    name = estimator or finding.estimator
    if estimator is None:
        require_trusted(registry, name, allowed,
                        how or f"heurcheck replay FINDING.json --estimator {shlex.quote(name)}")
    changed = plugin_file_change(finding) if estimator is None else None
    prop = create(finding.property, **finding.parameters)
    # a reference the finding compares with (agreement's, or the one it was checked --against) is code too
    for spec in (getattr(prop, "reference_spec", None), (finding.against or {}).get("reference")):
        if spec:
            reference, _ = parse_reference(str(spec))
            require_trusted(registry, reference, allowed,
                            f"heurcheck replay FINDING.json --allow {shlex.quote(reference)}")
    try:
        case = Case.from_json(Node(finding.witness, "$.witness", InvalidFinding))
    except InvalidInstance as exc:
        raise InvalidFinding(f"the witness is not a valid case: {exc}") from None
    with load(registry, name, finding.options, "always", IsolationSettings()) as loaded:
        return _evaluate(finding, prop, case, name, loaded.estimator, loaded.source, registry, changed)


def _evaluate(finding: Finding, prop: Property, case: Case, name: str, estimator: Any,
              source: EstimatorSource, registry: Registry, changed: str | None) -> Replay:
    def rebuild(changes: dict[str, Any]) -> Any:
        return source.create(name, **{**finding.options, **changes})

    def reseed(seed: int) -> Any:
        return rebuild({"seed": seed})

    randomised = Capabilities.of(estimator).reseedable
    call = Call(estimator, reseed=reseed if randomised else None, seed=finding.seed, rebuild=rebuild)
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
        return Replay(finding, True, None, f"the estimator still fails ({failure.kind}): {failure}"
                                           + (f"; {changed}" if changed else ""))
    except NotApplicable as exc:
        return Replay(finding, False, None, f"the witness is now outside the estimator's domain: {exc}")
    except HeurcheckError:
        raise
    except Exception as exc:  # the file's witness does not fit the property (a name missing, a wrong kind)
        raise InvalidFinding(f"the witness is not a case of {prop.name}: {exc.__class__.__name__}: {exc}") from None
    finally:
        references.close()
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


def _holds(prop: Any, case: Case, reference: Call) -> bool:
    """Whether the reference estimator holds on the case (its failure on it is not the estimator's)."""
    reference.begin(case)
    try:
        return not evaluate_case(prop, case, reference).violates
    except (EstimatorFailure, NotApplicable):
        return False
