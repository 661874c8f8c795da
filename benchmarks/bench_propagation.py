"""Propagation estimators against size and order, each with a baseline measured in the same run.

Run: python benchmarks/bench_propagation.py [--quick]

Part 1, circuits. Mean, covariance and order-K cumulant propagation on random layered circuits
(`heurcheck.domains.circuit.layered_circuit`: `width` Gaussian inputs, each gate reading two wires
of the previous layer, the last layer summed into the output), float arithmetic, from 10^2 to 10^5
gates. Cumulant propagation is capped at 10^4 gates: one run takes about 4 s there at K = 3 and
30 s at K = 4 (0.6 GB at its peak), and 10^5 gates would take ten times as long and as much
memory, since the recipes of all demanded multisets wait for the forward pass. The cumulant rows
also give the number of multisets of wires the engine evaluated per gate and the time per
multiset, which separate what the engine costs per unit of work from how much work the circuit
demands. Baseline: Monte Carlo truth on the same circuit with 1,000 samples (vectorised numpy);
ratio = propagation time / baseline time.

Target ("cost per gate does not grow with circuit size at fixed order"): the exponent b of
time ~ gates^b, fitted by least squares over the sizes of at least 1,000 gates, is at most 1.1
(a 10 times larger circuit costs at most 26% more per gate, which leaves room for the memory
hierarchy but not for a cost per gate that grows with the size). 10^2-gate circuits are left out
of the fit because they are mostly boundary: within about ten layers of the output, which is a
sum, fewer cross cumulants are asked for (the multisets-per-gate column shows it).

Part 2, hafnians. Cumulant propagation on the product tree (`heurcheck.estimators.hafnian`), plain
and with least-squares imputation, for n = 6 to 12 and K = 2 to 4, on covariances Sigma = B B^T
with B in {-1, 0, 1}^(n x n), float arithmetic. Baseline: the exact hafnian of the same matrix by
the subset dynamic programme (`heurcheck.domains.permanent.hafnian`); ratio = propagation / exact.

Times are the best of 5 runs, of 3 for the cumulant rows (as many at every size of a series, so
that the fitted exponent is not biased: a best of fewer runs is slower on average), of 1 with --quick.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import DOMAIN, Circuit, cone, layered_circuit
from heurcheck.domains.permanent import Covariance, hafnian
from heurcheck.estimators.hafnian import product_tree_cumulants
from heurcheck.estimators.cumulant_engine import CumulantEngine
from heurcheck.estimators.propagation import make_plan, propagate
from heurcheck.numbers import FLOAT

NO_ARGUMENTS = Arguments()
FLAT_EXPONENT = 1.1  # the target: time grows at most like gates^1.1 at fixed order
FIT_FROM_GATES = 1_000  # smaller circuits are mostly boundary (see the module docstring)
CUMULANT_REPEAT = 3  # runs per cumulant row (one run at K = 4 on 10^4 gates takes about 30 s)


@dataclass(frozen=True)
class CircuitRow:
    label: str
    order: int
    gates: int
    width: int


def circuit_rows(quick: bool) -> list[CircuitRow]:
    """The sizes measured: 10^2..10^5 gates for mean and covariance, 10^2..10^4 for cumulant propagation."""
    if quick:
        return [CircuitRow("mean", 1, g, 32) for g in (100, 1_000, 3_000)] + \
            [CircuitRow("covariance", 2, g, 32) for g in (100, 1_000, 3_000)] + \
            [CircuitRow("cumulant K=3", 3, g, 16) for g in (100, 1_000, 2_000)]
    sizes = (100, 1_000, 10_000, 100_000)
    return [CircuitRow("mean", 1, g, 32) for g in sizes] + \
        [CircuitRow("covariance", 2, g, 32) for g in sizes] + \
        [CircuitRow(f"cumulant K={k}", k, g, 16) for k in (3, 4) for g in (100, 1_000, 3_000, 10_000)]


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """The shortest of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def time_cumulant_engine(c: Circuit, order: int, repeat: int) -> tuple[float, int]:
    """(seconds, multisets evaluated) of the cumulant engine on the output's cone (what `propagate` runs)."""
    c = cone(c, c.output)
    root = (c.wire_index(c.output),)
    engine = CumulantEngine(c, make_plan(c, NO_ARGUMENTS, order), FLOAT)
    seconds = best_of(lambda: engine.kappa(root), repeat)
    return seconds, engine.multisets


def exponent(points: list[tuple[int, float]]) -> float:
    """The least-squares slope of log(time) against log(gates)."""
    xs = [math.log(g) for g, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def bench_circuits(quick: bool, repeat: int) -> None:
    print("circuits: propagation against Monte Carlo truth with 1,000 samples (MC 1k), same circuit, float")
    print(f"{'estimator':<14}{'gates':>8}{'width':>7}{'time (s)':>11}{'us/gate':>10}{'multisets/gate':>16}"
          f"{'us/multiset':>13}{'MC 1k (s)':>11}{'ratio':>9}")
    np.seterr(all="ignore")  # deep random circuits overflow in some samples; only time is measured
    measured: dict[str, list[tuple[int, float]]] = {}
    for row in circuit_rows(quick):
        c = layered_circuit(row.gates, width=row.width, seed=1).map_numbers(float)
        if row.order <= 2:  # the forward passes; `propagate` picks them for these orders
            seconds = best_of(lambda: propagate(c, NO_ARGUMENTS, row.order), repeat)
            work = f"{'-':>16}{'-':>13}"
        else:  # fewer runs, but as many at every size: a best of fewer runs is slower on average
            seconds, multisets = time_cumulant_engine(c, row.order, min(repeat, CUMULANT_REPEAT))
            work = f"{multisets / len(c.gates):>16.1f}{1e6 * seconds / multisets:>13.2f}"
        mc = best_of(lambda: DOMAIN.monte_carlo(c, NO_ARGUMENTS, 1_000, 0), repeat)
        measured.setdefault(row.label, []).append((len(c.gates), seconds))
        print(f"{row.label:<14}{len(c.gates):>8}{row.width:>7}{seconds:>11.4f}{1e6 * seconds / len(c.gates):>10.2f}"
              f"{work}{mc:>11.4f}{seconds / mc:>9.2f}", flush=True)
    print(f"target: cost per gate flat at fixed order (time ~ gates^b with b <= {FLAT_EXPONENT:g}, "
          f"fitted over >= {FIT_FROM_GATES:,} gates)")
    for label, points in measured.items():
        fitted = [(g, t) for g, t in points if g >= FIT_FROM_GATES]
        if len(fitted) < 2:
            print(f"  {label:<14} fewer than two sizes of >= {FIT_FROM_GATES:,} gates measured: not assessed")
            continue
        b = exponent(fitted)
        verdict = "met" if b <= FLAT_EXPONENT else "NOT MET: the cost per gate grows with the size"
        print(f"  {label:<14} b = {b:.2f} over {fitted[0][0]:,}-{fitted[-1][0]:,} gates: {verdict}")


def psd_covariance(n: int, rng: np.random.Generator) -> Covariance:
    """Sigma = B B^T with B in {-1, 0, 1}^(n x n), as floats."""
    b = rng.integers(-1, 2, size=(n, n))
    return Covariance(tuple(tuple(float(v) for v in row) for row in b @ b.T))


def bench_hafnians(quick: bool, repeat: int) -> None:
    print("\nhafnians: cumulant propagation on the product tree against the exact hafnian (subset DP), "
          "same matrix, float")
    print(f"{'n':>3}{'K':>3}{'plain (s)':>11}{'imputed (s)':>13}{'exact (s)':>11}{'ratio':>8}"
          f"{'ratio imp.':>12}   estimate / imputed / exact")
    rng = np.random.default_rng(1)
    for n in (6, 8) if quick else (6, 8, 10, 12):
        cov = psd_covariance(n, rng)
        exact_seconds = best_of(lambda: hafnian(cov.matrix), repeat)
        exact = hafnian(cov.matrix)
        for order in (2, 3) if quick else (2, 3, 4):
            plain = best_of(lambda: product_tree_cumulants(cov, order), repeat)
            imputed = best_of(lambda: product_tree_cumulants(cov, order, imputation=True), repeat)
            estimate = product_tree_cumulants(cov, order)
            estimate_imputed = product_tree_cumulants(cov, order, imputation=True)
            print(f"{n:>3}{order:>3}{plain:>11.5f}{imputed:>13.5f}{exact_seconds:>11.5f}{plain / exact_seconds:>8.1f}"
                  f"{imputed / exact_seconds:>12.1f}   {estimate:g} / {estimate_imputed:.6g} / {exact:g}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes, one run each")
    args = parser.parse_args()
    repeat = 1 if args.quick else 5
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"numpy {np.__version__}")
    bench_circuits(args.quick, repeat)
    bench_hafnians(args.quick, repeat)


if __name__ == "__main__":
    main()
