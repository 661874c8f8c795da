"""Propagation estimators against circuit size and order, with a baseline measured in the same run.

Run: python benchmarks/bench_propagation.py [--quick]

Baseline: Monte Carlo truth on the same circuit with 1,000 float samples (numpy, vectorised), so
each figure is also given as a ratio "propagation time / time of 1,000 samples".
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import DOMAIN, layered_circuit
from heurcheck.estimators.propagation import propagate


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    repeat = 2 if args.quick else 5
    none = Arguments()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"{'estimator':<12}{'gates':>8}{'width':>7}{'time (s)':>11}{'us/gate':>10}{'MC 1k (s)':>11}{'ratio':>8}")
    rows = [("mean", 1, g, 32) for g in (1_000, 10_000, 100_000)]
    rows += [("covariance", 2, g, 32) for g in (1_000, 10_000, 100_000)]
    rows += [(f"cumulant K={k}", k, g, 16) for k in (3, 4) for g in (200, 2_000)]
    if args.quick:
        rows = [r for r in rows if r[2] <= 10_000]
    np.seterr(all="ignore")  # deep random circuits overflow in some samples; only time is measured
    for label, order, gates, width in rows:
        c = layered_circuit(gates, width=width, seed=1).map_numbers(float)
        t = best_of(lambda: propagate(c, none, order), repeat)
        mc = best_of(lambda: DOMAIN.monte_carlo(c, none, 1_000, 0), repeat)
        print(f"{label:<12}{len(c.gates):>8}{width:>7}{t:>11.4f}{1e6 * t / len(c.gates):>10.2f}{mc:>11.4f}"
              f"{t / mc:>8.2f}")


if __name__ == "__main__":
    main()
