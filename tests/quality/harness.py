"""The quality suite's plumbing: run one check with no findings written, time it, and keep what it measured."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.findings import Finding

FAULTY = Path(__file__).resolve().parent / "faulty.py"


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
    MEASURED.append(Measured(estimator, prop, domain, finding.verdict.value, seconds, finding.cases, size))
    return finding, seconds


def run_check_with_hash_seed(hash_seed: int, estimator: str, prop: str, domain: str,
                             parameters: dict[str, Any] | None = None, *, max_examples: int, budget: float,
                             seed: int = 0) -> tuple[Finding, float]:
    """`run_check` in a fresh interpreter with PYTHONHASHSEED pinned: for a property whose cases depend
    on the iteration order of sets of string-keyed atoms, which Python randomises per process."""
    import json
    import os
    import subprocess
    import sys

    from heurcheck.findings import Verdict

    here = str(Path(__file__).resolve().parent)
    script = (f"import json, sys; sys.path.insert(0, {here!r}); from harness import run_check; "
              f"f, s = run_check({estimator!r}, {prop!r}, {domain!r}, {parameters or {}!r}, "
              f"max_examples={max_examples!r}, budget={budget!r}, seed={seed!r}); "
              f"print(json.dumps({{'finding': f.to_json(), 'seconds': s}}))")
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    node = out["finding"]
    finding = Finding(**{**node, "verdict": Verdict(node["verdict"])})
    seconds = float(out["seconds"])
    size = (finding.observed or {}).get("size")
    MEASURED.append(Measured(estimator, prop, domain, finding.verdict.value, seconds, finding.cases, size))
    return finding, seconds
