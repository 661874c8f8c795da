"""Replay a saved finding against the current code: does its witness still fail?"""

from __future__ import annotations

import shlex
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import HeurcheckError, InvalidFinding, InvalidInstance, UnknownName, UntrustedCode
from .domains import domain_names
from .estimators.base import Capabilities
from .estimators.loading import load
from .estimators.registry import EstimatorSource, Registry
from .findings import Finding, finding_from_json
from .isolation import IsolationSettings
from .jsonio import Node, load_document
from .properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome, Property
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
    prop = create(finding.property, **finding.parameters)
    try:
        case = Case.from_json(Node(finding.witness, "$.witness", InvalidFinding))
    except InvalidInstance as exc:
        raise InvalidFinding(f"the witness is not a valid case: {exc}") from None
    with load(registry, name, finding.options, "always", IsolationSettings()) as loaded:
        return _evaluate(finding, prop, case, name, loaded.estimator, loaded.source)


def _evaluate(finding: Finding, prop: Property, case: Case, name: str, estimator: Any,
              source: EstimatorSource) -> Replay:
    def rebuild(changes: dict[str, Any]) -> Any:
        return source.create(name, **{**finding.options, **changes})

    def reseed(seed: int) -> Any:
        return rebuild({"seed": seed})

    randomised = Capabilities.of(estimator).reseedable
    call = Call(estimator, reseed=reseed if randomised else None, seed=finding.seed, rebuild=rebuild)
    call.begin(case)
    try:
        out = prop.evaluate(case, call)
    except EstimatorFailure as failure:
        return Replay(finding, True, None, f"the estimator still fails ({failure.kind}): {failure}")
    except NotApplicable as exc:
        return Replay(finding, False, None, f"the witness is now outside the estimator's domain: {exc}")
    except HeurcheckError:
        raise
    except Exception as exc:  # the file's witness does not fit the property (a name missing, a wrong kind)
        raise InvalidFinding(f"the witness is not a case of {prop.name}: {exc.__class__.__name__}: {exc}") from None
    if out.stderr:
        fails = out.applicable and out.violation > REPLAY_Z * out.stderr and out.violation > out.tolerance
    else:
        fails = out.violates
    verb = "still fails" if fails else "now holds"
    return Replay(finding, fails, out, f"{verb}: {out.lhs} {out.relation} {out.rhs} "
                                       f"(violation {out.violation:.6g}, tolerance {out.tolerance:.3g})")
