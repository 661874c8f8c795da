"""Verdicts and findings: what a check concludes, and the durable record of a counterexample.

A finding is frozen, has a versioned JSON form (`SCHEMA`), and is written atomically the moment
it is found. Nothing uncertain is a pass: only PROVED claims that the property holds, and only
for what its evidence covers.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .jsonio import write_json_atomic

SCHEMA = 1


class Verdict(str, enum.Enum):
    PROVED = "proved"  # a proof: unsat, a symbolic identity, or an exhausted finite domain
    VIOLATED = "violated"  # a counterexample, with its witness and the size of the violation
    NOT_REFUTED = "not-refuted"  # no counterexample in N cases: not a proof
    STATISTICALLY_CONSISTENT = "statistically-consistent"  # a randomised estimator passed a test at level alpha
    INCONCLUSIVE = "inconclusive"  # solver unknown, timeout, budget spent before any case ran
    VACUOUS = "vacuous"  # the property's precondition never held in the cases tried
    NOT_APPLICABLE = "not-applicable"  # the property does not apply to this estimator or domain
    ESTIMATOR_ERROR = "estimator-error"  # the estimator raised, returned NaN/inf or a wrong type

    @property
    def is_failure(self) -> bool:
        return self in (Verdict.VIOLATED, Verdict.ESTIMATOR_ERROR)


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("heurcheck")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass(frozen=True)
class Finding:
    """The record of one check's conclusion; for violations and estimator errors, the witness."""

    property: str
    parameters: dict[str, Any]
    estimator: str
    options: dict[str, Any]
    domain: str
    verdict: Verdict
    engine: str
    seed: int
    cases: int
    witness: dict[str, Any] | None = None  # the (shrunk) case in JSON form, see properties.base.Case
    observed: dict[str, Any] | None = None  # lhs, rhs, violation, tolerance, stderr, ... of the witness
    worst: dict[str, Any] | None = None  # the largest violation seen: {"case": ..., "observed": ...}
    route: str | None = None  # which self-reference route decided (traceable, objective, symmetrisation)
    p_value: float | None = None
    message: str = ""
    command: str = ""  # a command line that re-runs the check
    partial: bool = False
    tool: str = field(default_factory=tool_version)
    schema: int = SCHEMA

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["verdict"] = self.verdict.value
        return out

    def key(self) -> str:
        """A short stable id for file names: property, estimator, options, domain, witness."""
        blob = json.dumps([self.property, self.parameters, self.estimator, self.options, self.domain,
                           self.witness], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]

    def save(self, folder: str | Path) -> Path:
        """Write atomically to `folder/<property>--<estimator>--<key>.json` and return the path."""
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in self.estimator)[:40]
        path = Path(folder) / f"{self.property}--{safe}--{self.key()}.json"
        write_json_atomic(path, self.to_json())
        return path
