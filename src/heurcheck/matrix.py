"""The report card: every registered estimator against every applicable property, under one budget.

The checks (estimator, property, domain) run in a pool of worker processes. Each is decided by its
number of cases (`max_examples`, deterministic for a seed), so the same seed and code give the same
card on a fast or a slow machine; time is only a safety cap. A check may use what is left of the
card's budget, less a minimum share (`MIN_SHARE`) kept for each check still waiting; a check that
the cap stopped says so (`Finding.capped`), and its cell shows it as weak evidence. A pair
(estimator, property) is decided once one domain finds a violation or an estimator error; its
other domains are skipped.

Ctrl-C (or SIGTERM, which the command maps to it) asks the running checks to stop: each returns
its findings so far, marked partial (see heurcheck.interrupt); the card takes what arrives within
`INTERRUPT_GRACE` seconds, stops the workers and is marked partial.
"""

from __future__ import annotations

import builtins
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checker import CheckRequest, CheckSettings, check
from .errors import HeurcheckError, InvalidFinding, InvalidOption
from .estimators.loading import capabilities
from .estimators.registry import Registry, parse_reference, reference_text
from .findings import SCHEMA, Finding, Verdict, finding_from_json, tool_version
from .interrupt import checkpoint, stop_on_signals
from .isolation import DEFAULT_MEMORY_LIMIT, IsolationSettings, stop_all_workers
from .jsonio import Node
from .properties.registry import available, property_class

# the order in which a cell shows the verdicts of its domains: the most informative first
STRENGTH = [Verdict.VIOLATED, Verdict.ESTIMATOR_ERROR, Verdict.FIXED, Verdict.PROVED, Verdict.STATISTICALLY_CONSISTENT,
            Verdict.SHARED, Verdict.NOT_REFUTED, Verdict.INCONCLUSIVE, Verdict.VACUOUS, Verdict.NOT_APPLICABLE]
INTERRUPT_GRACE = 3.0  # seconds an interrupted card waits for its running checks' partial findings
MIN_SHARE = 2.0  # seconds of the card's budget kept for each check still waiting to start
# cases per check where counterexamples are rare among random cases but cases are cheap: a proof-certified
# fact whose estimate leaves its bounds needs a particular structure (a proof about a tower of squares of one
# input, x^8, beside a truncation order), which the property's cases favour; on seeds 0-2 the built-in
# propagation estimators met their first such case within 90-210 cases (scripts/card_parity.py audits
# that the card still finds what `heurcheck check` finds)
# calibration: one case is a batch of 64 estimates, and an error bar 20% too small moves the batch score by
# about 2.8 standard deviations (10% too small: about 1.3), so the pooled bias test, |Z| > about 4 at a look,
# rejects at its first look (16 batches, Z about 11, or 5.2); a batch costs as much as 64 cases elsewhere
CASES: tuple[tuple[str, int], ...] = (("respect-for-proofs", 1000), ("calibration", 32))


@dataclass(frozen=True)
class MatrixSettings:
    # seconds for the whole card, and for any one check: safety caps only, generous enough that a machine
    # several times slower (or loaded) gives the same card; the case counts decide the checks
    budget: float = 3600.0
    check_cap: float = 600.0
    seed: int = 0
    jobs: int = 2
    max_examples: int = 150  # cases per check: what decides it
    cases: tuple[tuple[str, int], ...] = CASES  # per property, cases per check instead of max_examples
    findings_dir: Path | None = Path("heurcheck-findings")
    estimators: tuple[str, ...] = ()  # empty: every registered estimator
    properties: tuple[str, ...] = ()  # empty: every property
    call_timeout: float | None = 10.0  # seconds per estimator call (see CheckSettings)
    isolate: str = "plugins"  # where estimators run (see CheckSettings and heurcheck.isolation)
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT  # bytes an isolated estimator may allocate
    # a reference estimator ("NAME KEY=VALUE ..."): each check counts only violations the reference does not share
    against: str | None = None


@dataclass
class Cell:
    estimator: str
    property: str
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # domains not run because the pair was decided

    # builtins.property: in this class body the name `property` is the field above
    @builtins.property
    def verdict(self) -> Verdict:
        seen = {f.verdict for f in self.findings}
        return next((v for v in STRENGTH if v in seen), Verdict.NOT_APPLICABLE)

    @builtins.property
    def deciding(self) -> Finding | None:
        """The finding that shows the cell's verdict: of those that reach it, the smallest witness (the first
        one on a tie), so that over several seeds the card shows the simplest counterexample."""
        return min((f for f in self.findings if f.verdict is self.verdict), key=_witness_size, default=None)

    def seed_verdicts(self) -> dict[int, Verdict]:
        """Per seed, the strongest verdict of its domains (a card of several seeds)."""
        out: dict[int, set[Verdict]] = {}
        for f in self.findings:
            out.setdefault(f.seed, set()).add(f.verdict)
        return {s: next(v for v in STRENGTH if v in seen) for s, seen in sorted(out.items())}

    def per_seed(self) -> list[dict[str, Any]]:
        """Each seed's result: its verdict and its number of cases."""
        return [{"seed": s, "verdict": v.value, "cases": sum(f.cases for f in self.findings if f.seed == s)}
                for s, v in self.seed_verdicts().items()]

    @builtins.property
    def weak(self) -> bool:
        """A cell that is not a failure, where some domain was never evaluated (inconclusive) or was
        stopped by the time cap: its verdict rests on less evidence than the card asked for."""
        return not self.verdict.is_failure and any(f.capped or f.verdict is Verdict.INCONCLUSIVE
                                                   for f in self.findings)

    @builtins.property
    def cases(self) -> int:
        return sum(f.cases for f in self.findings)

    def evidence(self) -> list[dict[str, Any]]:
        """Per domain: the verdict, the engine, the number of cases, whether the time cap stopped it and the
        seconds it took (a record of cost, never part of a verdict)."""
        return [{"domain": f.domain, "verdict": f.verdict.value, "engine": f.engine, "cases": f.cases,
                 "capped": f.capped, "seconds": f.seconds} for f in self.findings]


@dataclass
class ReportCard:
    estimators: list[str]
    properties: list[str]
    cells: dict[tuple[str, str], Cell]
    seed: int
    budget: float
    seconds: float = 0.0
    partial: bool = False
    max_examples: int | None = None  # cases per check
    cases_for: dict[str, int] = field(default_factory=dict)  # per property, cases per check instead
    tool: str = field(default_factory=tool_version)
    against: str | None = None  # the reference every check ran against, if any
    seeds: tuple[int, ...] = ()  # a campaign's seeds (each cell holds the findings of all of them)
    tasks: tuple[int, int] | None = None  # a campaign's tasks (done, planned)
    findings_dir: str | None = None  # where the checks saved their counterexamples (None: not recorded)

    def labels(self) -> dict[str, str]:
        """Each row's name on the card: a plugin (`file.py:Class`, `module:attr`) by the `name` it declares
        (read from its findings; its reference stays in the JSON), with the row's options; the reference
        as given where two rows would share a name."""
        out = {}
        for e in self.estimators:
            try:
                name, options = parse_reference(e)
            except HeurcheckError:
                out[e] = e
                continue
            shown = {f.shown_name for (row, _), c in self.cells.items() if row == e for f in c.findings
                     if f.estimator_name}
            if ":" in name and shown:
                name = sorted(shown)[0]
            out[e] = reference_text(name, options)
        taken = list(out.values())
        return {e: label if taken.count(label) == 1 else e for e, label in out.items()}

    @builtins.property
    def capped(self) -> int:
        """How many checks the time cap stopped."""
        return sum(1 for c in self.cells.values() for f in c.findings if f.capped)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA, "kind": "report-card", "tool": self.tool, "seed": self.seed, "budget": self.budget,
            "max_examples": self.max_examples, "cases_for": self.cases_for, "seconds": round(self.seconds, 1),
            "partial": self.partial, "against": self.against, "findings_dir": self.findings_dir,
            "estimators": self.estimators, "labels": self.labels(), "properties": self.properties,
            "cells": [
                {"estimator": c.estimator, "property": c.property, "verdict": c.verdict.value,
                 "engine": c.deciding.engine if c.deciding else None, "cases": c.cases, "weak": c.weak,
                 "evidence": c.evidence(), "skipped_domains": c.skipped,
                 "findings": [f.to_json() for f in c.findings]}
                | ({"seeds": c.per_seed()} if self.seeds else {})
                for c in self.cells.values()
            ],
        } | ({"seeds": list(self.seeds), "tasks": {"done": self.tasks[0], "planned": self.tasks[1]}}
             if self.seeds and self.tasks else {})


def card_from_json(document: Any, where: str = "card") -> ReportCard:
    """A card from its JSON form (`ReportCard.to_json`, as `matrix --json` writes it), checked field by field:
    InvalidFinding names the field and what was expected. It holds data only; nothing in it is run."""
    node = Node(document, "$", InvalidFinding)
    if not isinstance(document, dict) or document.get("kind") != "report-card":
        node.fail("a report card (an object with kind 'report-card')")
    if node["schema"].integer() != SCHEMA:
        raise InvalidFinding(f"{where}: written with schema {document['schema']}, this heurcheck reads schema {SCHEMA}")
    estimators = [e.string() for e in node["estimators"].items()]
    properties = [p.string() for p in node["properties"].items()]
    cells = {(e, p): Cell(e, p) for e in estimators for p in properties}
    for c in node["cells"].items():
        key = (c["estimator"].string(), c["property"].string())
        if key not in cells:  # the field that names what the card does not list
            c["estimator" if key[0] not in estimators else "property"].fail("a name the card lists")
        cells[key].findings.extend(finding_from_json(f.value, f"{where} {f.path}") for f in c.get("findings", []).items())
        cells[key].skipped.extend(d.string() for d in c.get("skipped_domains", []).items())

    def optional(key: str) -> str | None:
        return None if node.get(key).value is None else node[key].string()

    tasks = node.get("tasks")
    return ReportCard(
        estimators, properties, cells, seed=node["seed"].integer(0), budget=float(node["budget"].number(0)),
        seconds=float(node.get("seconds", 0).number(0)), partial=node.get("partial", False).boolean(),
        max_examples=None if node.get("max_examples").value is None else node["max_examples"].integer(1),
        cases_for={k: v.integer(1) for k, v in _members(node.get("cases_for", {}))},
        tool=node.get("tool", "").string(), against=optional("against"),
        seeds=tuple(s.integer(0) for s in node.get("seeds", []).items()),
        tasks=None if tasks.value is None else (tasks["done"].integer(0), tasks["planned"].integer(0)),
        findings_dir=optional("findings_dir"))


def _members(node: Node) -> list[tuple[str, Node]]:
    if not isinstance(node.value, dict):
        node.fail("an object")
    return [(k, node.child(k, v)) for k, v in node.value.items()]


Options = tuple[tuple[str, str], ...]


def row_estimator(row: str) -> tuple[str, Options]:
    """A card row (an `-e` as given: 'cumulant:order=3', 'cumulant order=3', a plugin reference) as its
    tasks hold it: the estimator's name and its options, sorted by name."""
    name, options = parse_reference(row)
    return name, tuple(sorted(options.items()))


def rows_by_estimator(rows: Iterable[str]) -> dict[tuple[str, Options], str]:
    """Each row by the (name, options) its tasks hold; two rows that name the same estimator with the same
    options (their tasks would share keys) are refused."""
    out: dict[tuple[str, Options], str] = {}
    for row in rows:
        estimator = row_estimator(row)
        if estimator in out:
            same = "is given twice" if out[estimator] == row else f"names the same estimator as -e {out[estimator]!r}"
            raise InvalidOption(f"-e {row!r} {same} (expected each estimator and its options once on a card)")
        out[estimator] = row
    return out


def plan_card(registry: Registry, settings: MatrixSettings
              ) -> tuple[list[str], list[str], list[tuple[str, str, str]], dict[str, str]]:
    """The card's rows, its columns, every (estimator, property, domain) check in order, and the estimators
    that could not be loaded (name -> why). A plugin's capabilities are read in an isolation worker:
    planning the card runs none of its code here."""
    estimators = list(settings.estimators or registry.names())
    rows_by_estimator(estimators)  # each estimator and its options once: a second row would share its cells
    properties = list(settings.properties or available())
    checks = []
    broken = {}
    for e in estimators:
        try:
            name, options = parse_reference(e)  # "cumulant:order=3" or "cumulant order=3": options pass through
            caps = capabilities(registry, name, settings.isolate,
                                IsolationSettings(settings.call_timeout, settings.memory_limit), options)
        except InvalidOption:  # an option the estimator does not take: the user's input, not the estimator's fault
            raise
        except HeurcheckError as exc:
            broken[e] = f"the estimator could not be created: {exc}"
            continue
        for p in properties:
            for d in sorted(caps.domains_among(property_class(p).defined_on())):
                checks.append((e, p, d))
    return estimators, properties, checks, broken


_REGISTRY: Registry | None = None  # the card's registry, in each worker process (set by `_worker_started`)


def _witness_size(f: Finding) -> float:
    size = (f.observed or {}).get("size")
    return float(size) if isinstance(size, (int, float)) else float("inf")


def _worker_started(registry: Registry) -> None:
    """A pool worker's set-up: the card's registry, and signals left to the card (see `_run_one`)."""
    global _REGISTRY
    _REGISTRY = registry
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an idle worker ignores Ctrl-C; the card decides
    signal.signal(signal.SIGTERM, _stopped)  # the card stops its workers with SIGTERM


def _stopped(signum: int, frame: Any) -> None:
    """A pool worker told to stop ends its isolation workers and the processes they started, then itself."""
    stop_all_workers()
    os._exit(128 + signum)


def _run_one(estimator: str, prop: str, domain: str, settings: CheckSettings, against: str | None = None
             ) -> list[Finding]:
    """One check in a worker. SIGINT (from the card) stops it with its findings so far, marked partial;
    an estimator that cannot even be created is an estimator error of its cell, not the card's end."""
    try:
        with stop_on_signals((signal.SIGINT,), repeat=False):  # from the terminal and from the card
            name, options = parse_reference(estimator)
            return check(CheckRequest(name, options, (prop,), {}, domain, against), settings, _REGISTRY)
    except HeurcheckError as exc:
        return [_undecided(estimator, prop, domain, settings.seed, Verdict.ESTIMATOR_ERROR,
                           f"the estimator could not be created: {exc}")]


def _undecided(estimator: str, prop: str, domain: str, seed: int, verdict: Verdict, message: str,
               partial: bool = False) -> Finding:
    """The finding of a check that did not run its engine (the estimator could not be created, or the
    card was interrupted first)."""
    name, options = parse_reference(estimator)  # the row as given ('cumulant:order=3'): planned, so it parses
    return Finding(property=prop, parameters={}, estimator=name, options=options, domain=domain, verdict=verdict,
                   engine="none", seed=seed, cases=0, message=message, partial=partial)


def run_matrix(settings: MatrixSettings = MatrixSettings(), registry: Registry | None = None,
               progress: Callable[[int, int, Finding | None], None] | None = None) -> ReportCard:
    """Run the card; `progress(done, total, finding)` is called after each check. Ctrl-C (KeyboardInterrupt)
    returns a partial card holding every finding so far."""
    registry = registry or Registry.default()
    estimators, properties, checks, broken = plan_card(registry, settings)
    cells = {(e, p): Cell(e, p) for e in estimators for p in properties}
    for e, why in broken.items():
        for p in properties:
            cells[(e, p)].findings.append(_undecided(e, p, "none", settings.seed, Verdict.ESTIMATOR_ERROR, why))
    card = ReportCard(estimators, properties, cells, settings.seed, settings.budget,
                      max_examples=settings.max_examples,
                      cases_for={p: n for p, n in settings.cases if p in properties}, against=settings.against,
                      findings_dir=None if settings.findings_dir is None else str(settings.findings_dir))
    start = time.monotonic()
    deadline = start + settings.budget
    pending = list(checks)
    jobs = max(1, settings.jobs)
    done = 0

    def settings_for(prop: str, cap: float) -> CheckSettings:
        return CheckSettings(max_examples=dict(settings.cases).get(prop, settings.max_examples), budget=cap,
                             seed=settings.seed,
                             findings_dir=settings.findings_dir, call_timeout=settings.call_timeout,
                             isolate=settings.isolate, memory_limit=settings.memory_limit)

    def decided(e: str, p: str) -> bool:
        return any(f.verdict.is_failure for f in cells[(e, p)].findings)

    def finished(fut: Future[list[Finding]]) -> None:
        nonlocal done
        e, p, _ = running.pop(fut)
        cells[(e, p)].findings.extend(fut.result())
        done += 1
        if progress is not None:
            progress(done, len(checks), cells[(e, p)].findings[-1])

    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_started,
                               initargs=(registry,))
    running: dict[Future[list[Finding]], tuple[str, str, str]] = {}
    try:
        while pending or running:
            while pending and len(running) < jobs:
                e, p, d = pending.pop(0)
                if decided(e, p):
                    cells[(e, p)].skipped.append(d)
                    done += 1
                    continue
                running[pool.submit(_run_one, e, p, d, settings_for(p, cap(deadline, len(pending), jobs, settings.check_cap)),
                                    settings.against)] = (e, p, d)
            if running:  # woken each second to notice a stop whose KeyboardInterrupt Python swallowed
                for fut in wait(list(running), timeout=1.0, return_when=FIRST_COMPLETED)[0]:
                    finished(fut)
                checkpoint()
    except KeyboardInterrupt:
        card.partial = True
        _interrupt_workers(pool)
        try:
            for fut in as_completed(list(running), timeout=INTERRUPT_GRACE):
                if fut.exception() is None:
                    finished(fut)
        except (TimeoutError, KeyboardInterrupt):  # a check too slow to stop (its saved findings stay in the
            pass                                   # findings folder), or a second Ctrl-C: stop waiting
        _stop_workers(pool)
        for e, p, d in list(running.values()) + pending:  # every cell says what happened to it
            cells[(e, p)].findings.append(_undecided(e, p, d, settings.seed, Verdict.INCONCLUSIVE,
                                                     "not finished: the card was interrupted", partial=True))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    card.seconds = time.monotonic() - start
    return card


def cap(deadline: float, waiting: int, jobs: int, check_cap: float = MatrixSettings.check_cap) -> float:
    """The time cap of a check starting now: at most `check_cap`, and what is left of the card's budget, less
    `MIN_SHARE` for each check still waiting (over the workers). Case counts decide checks; this only stops
    a runaway."""
    left = deadline - time.monotonic()
    return max(0.0, min(left, check_cap, max(MIN_SHARE, left - MIN_SHARE * waiting / jobs)))


def _workers(pool: ProcessPoolExecutor) -> list[Any]:
    # the executor keeps its processes in a private attribute; no public API stops a running task
    return list((getattr(pool, "_processes", None) or {}).values())


def _interrupt_workers(pool: ProcessPoolExecutor) -> None:
    """Send SIGINT to each worker: a running check stops and returns its partial findings."""
    for process in _workers(pool):
        try:
            os.kill(process.pid, signal.SIGINT)
        except (ProcessLookupError, TypeError):  # gone already, or not started (no pid)
            continue


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    for process in _workers(pool):
        if process.is_alive():
            process.terminate()


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))
