"""A campaign's unit of work: one check (estimator, property, domain) under one seed, as a frozen record.

A task holds everything that decides its result (estimator and options, property and parameters,
domain, seed, case count, tool version) and has a stable `key` computed from exactly those fields,
so a journal written by one run is recognised by the next. Its time cap (`budget`) is kept with it
but is not part of the key: a check is decided by its case count, time only stops a runaway.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidJournal, InvalidOption
from ..estimators.registry import parse_reference
from ..findings import Finding, finding_from_json, tool_version
from ..jsonio import Node
from ..matrix import rows_by_estimator

# what became of a task: it ran to its end, the executor killed it at its hard timeout, its worker
# process died under it, or the check raised an error of heurcheck's own (not the estimator's)
STATUSES = ("done", "timeout", "worker-died", "error")
# what a resumed campaign runs again: a dead worker is the infrastructure's failure, not the task's
# result. A timeout is usually the task's own (the same check overruns again): run again only on
# request (--retry-timeouts, RETRY_TIMEOUTS). An error is a defect of the check: it would recur.
RERUN = ("worker-died",)
RETRY_TIMEOUTS = RERUN + ("timeout",)


@dataclass(frozen=True)
class Task:
    estimator: str
    property: str
    domain: str
    seed: int
    max_examples: int  # the case count that decides the check
    budget: float = 60.0  # seconds: the check's own time cap (a check it stops says so); not in the key
    options: tuple[tuple[str, str], ...] = ()  # estimator options, sorted by name (as text, as given)
    parameters: tuple[tuple[str, str], ...] = ()  # property parameters, sorted by name
    tool: str = field(default_factory=tool_version)
    against: str | None = None  # a reference estimator ("NAME KEY=VALUE ..."): only violations it does not share

    @builtins.property  # in this class body the name `property` is the field above
    def key(self) -> str:
        """A stable id of what decides the result: the same task in any run has the same key."""
        reference = [self.against] if self.against is not None else []  # a task without one keeps its key
        blob = json.dumps([self.estimator, list(self.options), self.property, list(self.parameters), self.domain,
                           self.seed, self.max_examples, self.tool, *reference], separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:20]

    def to_json(self) -> dict[str, Any]:
        return {"estimator": self.estimator, "options": dict(self.options), "property": self.property,
                "parameters": dict(self.parameters), "domain": self.domain, "seed": self.seed,
                "max_examples": self.max_examples, "budget": self.budget, "tool": self.tool} | \
            ({"against": self.against} if self.against is not None else {})


def seconds(node: Node) -> float:
    """A number of seconds (>= 0) as the journal writes it: a JSON int or float."""
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)) or not node.value >= 0:
        node.fail("a number of seconds >= 0")
    return float(node.value)


def task_from_json(node: Node) -> Task:
    node.object(("estimator", "property", "domain", "seed", "max_examples", "tool"),
                ("estimator", "options", "property", "parameters", "domain", "seed", "max_examples", "budget", "tool",
                 "against"))

    def pairs(key: str) -> tuple[tuple[str, str], ...]:
        child = node.get(key, {})
        if not isinstance(child.value, dict):
            child.fail("an object of names to values")
        return tuple(sorted((str(k), str(v)) for k, v in child.value.items()))

    return Task(estimator=node["estimator"].string(), property=node["property"].string(),
                domain=node["domain"].string(), seed=node["seed"].integer(0),
                max_examples=node["max_examples"].integer(1), budget=seconds(node.get("budget", 60)),
                options=pairs("options"), parameters=pairs("parameters"), tool=node["tool"].string(),
                against=node["against"].string() if "against" in node.value else None)


@dataclass(frozen=True)
class TaskResult:
    """What one task left: its findings (one per check it ran), or why it has none."""

    task: Task
    status: str  # one of STATUSES
    findings: tuple[Finding, ...] = ()
    seconds: float = 0.0  # wall time in the worker (or until the executor gave up on it)
    message: str = ""  # for a task that did not finish: what happened
    node: str = ""  # where it ran: the Ray node's id, or the host of a local worker ("": not known)

    def to_json(self) -> dict[str, Any]:
        return {"kind": "task", "key": self.task.key, "task": self.task.to_json(), "status": self.status,
                "seconds": round(self.seconds, 3), "message": self.message,
                "findings": [f.to_json() for f in self.findings]} | ({"node": self.node} if self.node else {})


def result_from_json(document: Any, where: str) -> TaskResult:
    node = Node(document, "$", InvalidJournal)
    node.object(("kind", "key", "task", "status"),
                ("kind", "key", "task", "status", "seconds", "message", "findings", "node"))
    task = task_from_json(node["task"])
    if node["key"].string() != task.key:
        raise InvalidJournal(f"{where}: key {node['key'].value!r} does not match its task (expected {task.key!r})")
    findings = tuple(finding_from_json(child.value, f"{where} finding {i}")
                     for i, child in enumerate(node.get("findings", []).items()))
    return TaskResult(task, node["status"].string(STATUSES), findings, seconds(node.get("seconds", 0)),
                      node.get("message", "").string(), node.get("node", "").string())


@dataclass(frozen=True)
class Plan:
    """A campaign: the card's rows and columns, its seeds, and every task, in a fixed order."""

    estimators: tuple[str, ...]
    properties: tuple[str, ...]
    seeds: tuple[int, ...]
    max_examples: int
    tasks: tuple[Task, ...]
    cases_for: dict[str, int] = field(default_factory=dict)  # per property, cases per check instead
    against: str | None = None  # the reference every task is checked against, if any

    def header(self) -> dict[str, Any]:
        """The journal's first line: what the campaign is, so a partial journal still renders its whole grid."""
        return {"kind": "campaign", "schema": 1, "tool": tool_version(), "estimators": list(self.estimators),
                "properties": list(self.properties), "seeds": list(self.seeds), "max_examples": self.max_examples,
                "cases_for": self.cases_for, "tasks": len(self.tasks)} | \
            ({"against": self.against} if self.against is not None else {})


def make_plan(estimators: Iterable[str], properties: Iterable[str], checks: Iterable[tuple[str, str, str]],
              seeds: Iterable[int], max_examples: int, budget: float, cases: Mapping[str, int] | None = None,
              against: str | None = None) -> Plan:
    """Every check under every seed, seed-major (a stopped campaign has whole seeds done first); a check
    runs `max_examples` cases, or `cases[p]` for a property p given there (as on the card: matrix.CASES),
    against the reference estimator `against` when one is given. A check's estimator is a card row with
    its options ('cumulant:order=3'): its tasks hold the name and the options apart."""
    checks, seeds, cases, estimators = list(checks), tuple(seeds), dict(cases or {}), tuple(estimators)
    split = {row: estimator for estimator, row in rows_by_estimator(estimators).items()}
    tasks = tuple(Task(split[e][0], p, d, s, cases.get(p, max_examples), budget, options=split[e][1], against=against)
                  for s in seeds for e, p, d in checks)
    properties = tuple(properties)
    return Plan(estimators, properties, seeds, max_examples, tasks,
                {p: n for p, n in cases.items() if p in properties}, against)


def parse_seeds(text: str) -> tuple[int, ...]:
    """`N` (seeds 0..N-1), `A-B` (A..B inclusive) or `A,B,C`."""
    text = text.strip()
    try:
        if "-" in text:
            low, _, high = text.partition("-")
            seeds = tuple(range(int(low), int(high) + 1))
        elif "," in text:
            seeds = tuple(dict.fromkeys(int(part) for part in text.split(",")))
        else:
            seeds = tuple(range(int(text)))
    except ValueError:
        seeds = ()
    if not seeds or min(seeds) < 0 or max(seeds) >= 2**32:
        raise InvalidOption(f"--seeds {text!r}: expected a count N (seeds 0 to N-1), a range A-B or a list A,B,C "
                         "of seeds in 0..2**32-1")
    return seeds
