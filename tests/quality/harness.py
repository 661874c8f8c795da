"""The quality suite's plumbing: run one check with no findings written, time it, and keep what it measured."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.findings import Finding

FAULTY = Path(__file__).resolve().parent / "faulty.py"


def seeds_from(text: str) -> list[int]:
    """Seeds written as "0-19" or "0,3,7" (the HEURCHECK_*_SEEDS variables of the quality suite)."""
    seeds: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = part.partition("-")
        seeds += range(int(first), int(last or first) + 1)
    return seeds


def reference(estimator: str) -> str:
    """A built-in name as is; a class of faulty.py as the `file.py:Class` reference a user would pass."""
    return estimator if estimator[:1].islower() else f"{FAULTY}:{estimator}"


@dataclass(frozen=True)
class Measured:
    estimator: str
    property: str
    domain: str
    verdict: str
    seconds: float
    cases: int
    size: int | None
    seed: int = 0


MEASURED: list[Measured] = []


def run_check(estimator: str, prop: str, domain: str, parameters: dict[str, Any] | None = None, *,
              max_examples: int, budget: float, seed: int = 0) -> tuple[Finding, float]:
    """One (property, estimator, domain) check with no findings written; the finding and its wall time."""
    request = CheckRequest(reference(estimator), {}, (prop,), {prop: parameters or {}}, domain)
    settings = CheckSettings(max_examples=max_examples, budget=budget, seed=seed, findings_dir=None)
    start = time.perf_counter()
    (finding,) = check(request, settings)
    seconds = time.perf_counter() - start
    size = (finding.observed or {}).get("size")
    MEASURED.append(Measured(estimator, prop, domain, finding.verdict.value, seconds, finding.cases, size, seed))
    return finding, seconds
