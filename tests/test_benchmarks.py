"""The benchmark suite runs: `python -m benchmarks --quick` completes and prints every section.

A functional smoke test only: speed is measured by the benchmarks against baselines in the same
run and reported in BENCHMARKS.md, never asserted here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the slow tier: `pytest -m "not slow"` leaves this module out

ROOT = Path(__file__).resolve().parent.parent


def test_the_quick_benchmark_suite_runs_every_benchmark_and_states_every_target() -> None:
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)  # six benchmarks; a hang ends here
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    for name in ("propagation", "hafnian", "truth", "floats", "checker", "campaign"):
        assert f"<== {name}: ok" in out, out[-3000:]
    # each part printed its table and, where the issue sets a target, a verdict on it
    assert "circuits: propagation against Monte Carlo truth" in out
    assert "hafnians: cumulant propagation on the product tree" in out
    assert "target: cost per gate flat at fixed order" in out
    assert "= naive: ok" in out and "= matchings: ok" in out
    assert "target: >= 10x faster than ARC's reference" in out  # not assessed without --reference DIR
    assert "exact permanent and hafnian on floats against thewalrus" in out
    assert "target: within 2x of thewalrus" in out
    assert "target: every planted fault found" in out
    assert "target: overhead <=" in out
    assert "cheap tasks (a stand-in finding, no search) through the driver and the journal" in out
    assert "ray / local = " in out and "same verdicts and case counts in every journal: yes" in out
    for engine in ("random", "exhaustive", "symbolic", "smt", "baseline"):
        assert f" {engine} " in out, f"no row for the {engine} engine"
