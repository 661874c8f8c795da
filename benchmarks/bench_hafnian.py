"""Hafnian cumulant propagation (issue 18, target 1): the current engine against the previous one,
and, when a local checkout is given, against ARC's heuristic-hafnian reference, in one run.

Run: python benchmarks/bench_hafnian.py [--quick] [--repeat N] [--reference DIR]

Instances: real double-Wishart matrices Sigma = [[S, P], [P, S]] with P = (W1 + W2)/2 and
S = (W1 - W2)/2, W1 and W2 Wishart of size n/2 with n/2 degrees of freedom (the form of ARC's
`random_double_wishart`, drawn here with numpy's seeded generator), plain order-K truncation on the
balanced product tree, float arithmetic.

Baselines, measured in the same run and interleaved (each run of each engine in turn, the medians
reported):
- `previous`: the engine before issue 18 (`benchmarks/previous_hafnian.py`, shipped with the repo);
- `reference`: ARC's `heuristic_hafnian.propagation.cumulant_propagation`, only with `--reference
  DIR` (a checkout of github.com/alignment-research-center/heuristic-hafnian; it carries no licence,
  so it is never part of this repository). Each of its runs is a fresh subprocess timed inside
  (its memo is a closure, so a run never reuses another's), capped at `--cap` seconds.
A baseline whose first run exceeds `--long` seconds is run once. Values must agree to 1e-9
relative: the run fails otherwise.

Target: the current engine at least 10x faster than the reference on every row where the
reference takes over a second.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from heurcheck.domains.permanent import Covariance
from heurcheck.estimators.hafnian import product_tree_cumulants

sys.path.insert(0, str(Path(__file__).resolve().parent))
from previous_hafnian import previous_product_tree_cumulants  # noqa: E402  (the shipped baseline)

ROWS = ((16, 4), (24, 4), (16, 5), (24, 5), (16, 6))
QUICK_ROWS = ((8, 3), (12, 4))
TARGET = 10.0

_REFERENCE_RUN = """
import sys, time, json
import numpy as np
sys.path.insert(0, {path!r})
from heuristic_hafnian.propagation import cumulant_propagation
sigma = np.array(json.loads({matrix!r}))
start = time.perf_counter()
value = cumulant_propagation(sigma, order={order})
print(json.dumps([time.perf_counter() - start, float(value)]))
"""


def double_wishart(n: int, rng: np.random.Generator) -> np.ndarray:
    half = n // 2

    def wishart() -> np.ndarray:
        x = rng.normal(size=(half, half))  # half samples of a standard normal vector of size half
        return x.T @ x

    w1, w2 = wishart(), wishart()
    sym, psd = (w1 - w2) / 2, (w1 + w2) / 2
    return np.block([[sym, psd], [psd, sym]])


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def reference_run(directory: str, sigma: np.ndarray, order: int, cap: float) -> tuple[float, Any]:
    """(seconds, value) of one reference run in a fresh process; (inf, None) past the cap."""
    code = _REFERENCE_RUN.format(path=directory, matrix=json.dumps(sigma.tolist()), order=order)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return float("inf"), None
    if done.returncode != 0:
        raise RuntimeError(f"the reference failed: {done.stderr[-2000:]}")
    seconds, value = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, value


def agree(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes, one run each")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs per engine (median reported)")
    parser.add_argument("--reference", metavar="DIR", help="a checkout of ARC's heuristic-hafnian")
    parser.add_argument("--cap", type=float, default=150.0, help="seconds allowed to one reference run")
    parser.add_argument("--long", type=float, default=20.0, help="a baseline slower than this is run once")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"numpy {np.__version__}")
    print("hafnian cumulant propagation, plain order-K truncation, balanced tree, double-Wishart Sigma, float; "
          f"medians of {repeat} interleaved runs")
    print(f"{'n':>3}{'K':>3}{'now (s)':>10}{'previous (s)':>14}{'prev/now':>10}{'reference (s)':>15}{'ref/now':>9}"
          "   value")
    verdicts = []
    failed = False
    for n, order in QUICK_ROWS if args.quick else ROWS:
        sigma = double_wishart(n, np.random.default_rng(1000 * n + order))
        instance = Covariance(tuple(tuple(float(v) for v in row) for row in sigma))
        times: dict[str, list[float]] = {"now": [], "previous": [], "reference": []}
        values: dict[str, Any] = {}
        for k in range(repeat):
            runs: list[tuple[str, Callable[[], tuple[float, Any]]]] = [
                ("now", lambda: timed(lambda: product_tree_cumulants(instance, order))),
                ("previous", lambda: timed(lambda: previous_product_tree_cumulants(instance, order))),
            ]
            if args.reference:
                runs.append(("reference", lambda: reference_run(args.reference, sigma, order, args.cap)))
            for name, run in runs:
                if k and name != "now" and (not times[name] or times[name][0] > args.long):
                    continue  # a long (or capped) baseline runs once
                seconds, value = run()
                times[name].append(seconds)
                if value is not None:
                    values[name] = value
        now = statistics.median(times["now"])
        previous = statistics.median(times["previous"])
        for name, value in values.items():
            if not agree(value, values["now"]):
                print(f"  values differ: {name} {value!r} against now {values['now']!r}")
                failed = True
        if times["reference"]:
            reference = statistics.median(times["reference"])
            shown = f"> {args.cap:.0f}" if reference == float("inf") else f"{reference:.3f}"
            ratio = f"> {args.cap / now:.0f}" if reference == float("inf") else f"{reference / now:.1f}"
            if reference > 1.0:
                verdicts.append((n, order, reference / now))
        else:
            shown, ratio = "-", "-"
        print(f"{n:>3}{order:>3}{now:>10.3f}{previous:>14.3f}{previous / now:>10.1f}{shown:>15}{ratio:>9}"
              f"   {values['now']:.10g}", flush=True)
    if args.reference:
        missed = [(n, k, r) for n, k, r in verdicts if r < TARGET]
        state = "met" if not missed else "NOT MET on " + ", ".join(f"n={n} K={k} ({r:.1f}x)" for n, k, r in missed)
        print(f"target: >= {TARGET:g}x faster than the reference wherever it takes over 1 s "
              f"({len(verdicts)} such rows): {state}")
    else:
        print("target: >= 10x faster than ARC's reference: not assessed (no --reference DIR given)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
