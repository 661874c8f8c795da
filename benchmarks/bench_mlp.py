"""MLP propagation against Monte Carlo, and the vectorised erf against math.erf, in one run.

`python benchmarks/bench_mlp.py [--quick]` from the repository root. For networks from the research
distribution (`research_mlp`, weights N(0, w_var/fan_in)) at width 256, depth 4: the median time of
`mean` and `covariance` propagation and of a 10^4-sample Monte Carlo forward pass (the same-run
baseline), as ratios; then the same three with erf computed element by element by math.erf instead
of scipy's vectorised erf (the fallback when the optional extra `heurcheck[fast]` is absent).
Target (issue 15): mean and covariance well under a second at width 256, depth 4. Last, the time of
the Monte Carlo truth at its default sample count (`truth_samples` of the mlp domain, used where no
exact value is in reach) at width 256, depth 4, against the 10^4-sample pass.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import heurcheck.domains.mlp.sampling as sampling  # noqa: E402
import heurcheck.estimators.mlp as propagation  # noqa: E402
from heurcheck.domains.mlp import MLP_DOMAIN, research_mlp  # noqa: E402
from heurcheck.vector_math import _scipy_erf, elementwise_erf  # noqa: E402


def median_time(f: Callable[[], Any], reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    width, depth, reps = (32, 2, 1) if args.quick else (256, 4, 3)
    paths = [("scipy erf", nullcontext), ("math.erf", elementwise_erf)] if _scipy_erf() is not None else \
        [("math.erf", elementwise_erf)]
    print(f"mlp: width {width}, depth {depth}, median of {reps}; Monte Carlo 10^4 samples is the baseline")
    print(f"{'activation':<11}{'erf':<11}{'mean ms':>9}{'cov ms':>9}{'MC ms':>9}{'mean/MC':>9}{'cov/MC':>8}")
    worst = 0.0
    for activation in ("relu", "erf", "tanh"):
        net = research_mlp(depth=depth, width=width, seed=0, activation=activation)
        for label, erf_path in paths:
            with erf_path():
                m = median_time(lambda: propagation.mlp_mean(net), reps)
                c = median_time(lambda: propagation.mlp_covariance(net), reps)
                mc = median_time(lambda: sampling.monte_carlo(net, 10_000, 0), 1)
            if label == paths[0][0]:
                worst = max(worst, m, c)
            print(f"{activation:<11}{label:<11}{1e3 * m:>9.1f}{1e3 * c:>9.1f}{1e3 * mc:>9.1f}{m / mc:>9.2f}{c / mc:>8.2f}")
    verdict = "met" if worst < 1.0 else "NOT met"
    print(f"target: mean and covariance under 1 s at width {width}, depth {depth}: {verdict} (slowest {worst:.2f} s)")
    samples = MLP_DOMAIN.truth_samples if not args.quick else 20_000
    net = research_mlp(depth=depth, width=width, seed=0)
    base = median_time(lambda: sampling.monte_carlo(net, 10_000, 0), 1)
    full = median_time(lambda: sampling.monte_carlo(net, samples, 0), 1)
    mc = sampling.monte_carlo(net, samples, 0)
    print(f"Monte Carlo truth (relu, {samples} samples): {full:.2f} s = {full / base:.1f} x the 10^4-sample pass "
          f"({base:.2f} s); value {mc.mean:.6g} +- {mc.stderr:.3g} (relative {mc.stderr / abs(mc.mean):.1e})")


if __name__ == "__main__":
    main()
