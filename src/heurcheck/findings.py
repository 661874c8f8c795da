"""Verdicts and findings: what a check concludes, and the durable record of a counterexample.

A finding is frozen, has a versioned JSON form (`SCHEMA`), and is written atomically the moment
it is found. Nothing uncertain is a pass: only PROVED claims that the property holds, and only
for what its evidence covers.
"""

from __future__ import annotations

import builtins
import enum
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .errors import InvalidFinding
from .jsonio import Node, write_json_atomic

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
    SHARED = "shared"  # checked against a reference: every violation found is one the reference shares
    # checked against a reference: no new violation, and a witness where the reference is violated and the
    # estimator holds (the change repaired a known failure)
    FIXED = "fixed"

    @property
    def is_failure(self) -> bool:
        return self in (Verdict.VIOLATED, Verdict.ESTIMATOR_ERROR)


def tool_version() -> str:
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
    # checked against a reference: {"reference": "NAME ...", "shared": violations the reference shares, "example":
    # one of them, "fixed": the reference's violation the estimator holds on}; a witness reported is one where the
    # reference holds (violated) or where the reference is violated and the estimator holds (fixed)
    against: dict[str, Any] | None = None
    capped: bool = False  # the time cap, not the case count, ended the check (its evidence is weaker)
    max_examples: int | None = None  # the case count that decides the check (None: not recorded)
    # a `file.py:Class` estimator: {"path": the resolved file, "sha256": its hash when the finding was made}
    plugin_file: dict[str, str] | None = None
    seconds: float | None = None  # the check's wall time (a record of cost; never part of a verdict)
    # the estimator's own `name` (a plugin's declared name, where `estimator` is its file path); None: not recorded
    estimator_name: str | None = None
    saved_as: str | None = None  # the name of its file in the findings folder, once saved there (see `file_name`)
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

    @builtins.property  # in this class body the name `property` is a field
    def shown_name(self) -> str:
        """The estimator's name for people: a plugin (`file.py:Class`, `module:attr`) by the name it declares,
        a registered estimator by its registry name."""
        return self.estimator_name if self.estimator_name and ":" in self.estimator else self.estimator

    def file_name(self) -> str:
        """`<property>--<estimator>--<key>.json`: a plugin goes by its declared name (`shown_name`), not by its
        file path."""
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in self.shown_name)[:40]
        return f"{self.property}--{safe}--{self.key()}.json"

    def save(self, folder: str | Path) -> Path:
        """Write atomically to `folder/<file_name()>` and return the path."""
        path = Path(folder) / self.file_name()
        write_json_atomic(path, self.to_json())
        return path


def finding_from_json(document: Any, where: str = "finding") -> Finding:
    """A Finding from its JSON form, checked field by field (InvalidFinding names the field and what was
    expected; a finding written by an incompatible schema version says which)."""
    node = Node(document, "$", InvalidFinding)
    if not isinstance(document, dict):
        node.fail("a finding object")
    schema = node["schema"].integer()
    if schema != SCHEMA:
        raise InvalidFinding(f"{where}: written with finding schema {schema}, this heurcheck reads schema {SCHEMA} "
                             f"(tool version {tool_version()})")
    known = tuple(f for f in Finding.__dataclass_fields__)
    node.object(("schema", "property", "estimator", "domain", "verdict", "seed"), known)
    verdicts = tuple(v.value for v in Verdict)

    def mapping(child: Node) -> dict[str, Any]:
        if not isinstance(child.value, dict):
            child.fail("an object")
        return dict(child.value)

    def nullable(key: str, read: Callable[[Node], Any]) -> Any:
        child = node.get(key)
        return None if child.value is None else read(child)

    return Finding(
        property=node["property"].string(), parameters=mapping(node.get("parameters", {})),
        estimator=node["estimator"].string(), options={k: str(v) for k, v in mapping(node.get("options", {})).items()},
        domain=node["domain"].string(), verdict=Verdict(node["verdict"].string(verdicts)),
        engine=node.get("engine", "random").string(), seed=node["seed"].integer(0),
        cases=node.get("cases", 0).integer(0), witness=nullable("witness", mapping),
        observed=nullable("observed", mapping), worst=nullable("worst", mapping), route=nullable("route", Node.string),
        p_value=nullable("p_value", lambda child: float(child.number(0, 1))),
        message=node.get("message", "").string(), command=node.get("command", "").string(),
        partial=node.get("partial", False).boolean(), capped=node.get("capped", False).boolean(),
        max_examples=nullable("max_examples", lambda child: child.integer(1)),
        plugin_file=nullable("plugin_file", _plugin_file), estimator_name=nullable("estimator_name", Node.string),
        saved_as=nullable("saved_as", Node.string), tool=node.get("tool", "").string(),
        against=nullable("against", mapping), seconds=nullable("seconds", lambda child: float(child.number(0))),
    )


def _plugin_file(node: Node) -> dict[str, str]:
    node.object(("path", "sha256"), ("path", "sha256"))
    return {"path": node["path"].string(), "sha256": node["sha256"].string()}
