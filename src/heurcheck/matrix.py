"""The report card: every registered estimator against every applicable property, under one budget.

The checks (estimator, property, domain) run in a pool of worker processes. Each gets a share of
what is left of the total budget (the remaining time times the number of workers, over the checks
still to run), so checks that end early hand their time on. A pair (estimator, property) is
decided once one domain finds a violation or an estimator error; its other domains are skipped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checker import CheckRequest, CheckSettings, check
from .estimators.registry import Registry
from .findings import SCHEMA, Finding, Verdict, tool_version
from .properties.registry import available, property_class

# the order in which a cell shows the verdicts of its domains: the most informative first
STRENGTH = [Verdict.VIOLATED, Verdict.ESTIMATOR_ERROR, Verdict.PROVED, Verdict.STATISTICALLY_CONSISTENT,
            Verdict.NOT_REFUTED, Verdict.INCONCLUSIVE, Verdict.VACUOUS, Verdict.NOT_APPLICABLE]


@dataclass(frozen=True)
class MatrixSettings:
    budget: float = 180.0  # seconds for the whole card
    seed: int = 0
    jobs: int = 2
    max_examples: int = 2000
    findings_dir: Path | None = Path("heurcheck-findings")
    estimators: tuple[str, ...] = ()  # empty: every registered estimator
    properties: tuple[str, ...] = ()  # empty: every property


@dataclass
class Cell:
    estimator: str
    property: str
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # domains not run because the pair was decided

    @property
    def verdict(self) -> Verdict:
        seen = {f.verdict for f in self.findings}
        return next((v for v in STRENGTH if v in seen), Verdict.NOT_APPLICABLE)

    @property
    def deciding(self) -> Finding | None:
        return next((f for f in self.findings if f.verdict is self.verdict), None)


@dataclass
class ReportCard:
    estimators: list[str]
    properties: list[str]
    cells: dict[tuple[str, str], Cell]
    seed: int
    budget: float
    seconds: float = 0.0
    partial: bool = False
    tool: str = field(default_factory=tool_version)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA, "kind": "report-card", "tool": self.tool, "seed": self.seed, "budget": self.budget,
            "seconds": round(self.seconds, 1), "partial": self.partial,
            "estimators": self.estimators, "properties": self.properties,
            "cells": [
                {"estimator": c.estimator, "property": c.property, "verdict": c.verdict.value,
                 "engine": c.deciding.engine if c.deciding else None, "skipped_domains": c.skipped,
                 "findings": [f.to_json() for f in c.findings]}
                for c in self.cells.values()
            ],
        }


def _plan(registry: Registry, settings: MatrixSettings) -> tuple[list[str], list[str], list[tuple[str, str, str]]]:
    estimators = list(settings.estimators or registry.names())
    properties = list(settings.properties or available())
    checks = []
    for e in estimators:
        domains = set(registry.factory(e).domains)
        for p in properties:
            for d in sorted(domains & set(property_class(p).domains)):
                checks.append((e, p, d))
    return estimators, properties, checks


def _run_one(estimator: str, prop: str, domain: str, settings: CheckSettings) -> Finding:
    [finding] = check(CheckRequest(estimator, {}, (prop,), {}, domain), settings)
    return finding


def run_matrix(settings: MatrixSettings = MatrixSettings(), registry: Registry | None = None,
               progress: Callable[[int, int, Finding | None], None] | None = None) -> ReportCard:
    """Run the card; `progress(done, total, finding)` is called after each check. Ctrl-C returns a partial card."""
    registry = registry or Registry.default()
    estimators, properties, checks = _plan(registry, settings)
    cells = {(e, p): Cell(e, p) for e in estimators for p in properties}
    card = ReportCard(estimators, properties, cells, settings.seed, settings.budget)
    start = time.monotonic()
    deadline = start + settings.budget
    pending = list(checks)
    jobs = max(1, settings.jobs)
    done = 0

    def settings_for(share: float) -> CheckSettings:
        return CheckSettings(max_examples=settings.max_examples, budget=max(0.5, share), seed=settings.seed,
                             findings_dir=settings.findings_dir)

    def decided(e: str, p: str) -> bool:
        return any(f.verdict.is_failure for f in cells[(e, p)].findings)

    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            running: dict[Future[Finding], tuple[str, str, str]] = {}
            while pending or running:
                while pending and len(running) < jobs:
                    e, p, d = pending.pop(0)
                    if decided(e, p):
                        cells[(e, p)].skipped.append(d)
                        done += 1
                        continue
                    left = max(0.0, deadline - time.monotonic())
                    share = left * jobs / max(1, len(pending) + len(running) + 1)
                    running[pool.submit(_run_one, e, p, d, settings_for(share))] = (e, p, d)
                if not running:
                    continue
                finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for fut in finished:
                    e, p, d = running.pop(fut)
                    finding = fut.result()
                    cells[(e, p)].findings.append(finding)
                    done += 1
                    if progress is not None:
                        progress(done, len(checks), finding)
    except KeyboardInterrupt:
        card.partial = True
    card.seconds = time.monotonic() - start
    return card


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))
