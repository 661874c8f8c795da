"""Mean propagation's cost per gate at 10^3, 10^4 and 10^5 gates, and the exponent b of time ~ gates^b.

Run: python benchmarks/bench_mean.py
To compare with an earlier version in the same run, alternate it with the same script run on a copy
of that version's sources, e.g. (issue 18, target 6):

    git archive 99e01e5 src | tar -x -C /tmp/before
    for i in 1 2 3; do PYTHONPATH=/tmp/before/src python benchmarks/bench_mean.py; python benchmarks/bench_mean.py; done

Circuits: `layered_circuit(gates, width=32, seed=1)` in floats (as in bench_propagation.py); each
size is timed 5 times through `propagate(c, Arguments(), 1)` and the best is kept.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import heurcheck
from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import layered_circuit
from heurcheck.estimators.propagation import propagate


def main() -> None:
    points = []
    for gates in (1_000, 10_000, 100_000):
        c = layered_circuit(gates, width=32, seed=1).map_numbers(float)
        best = math.inf
        for _ in range(5):
            start = time.perf_counter()
            propagate(c, Arguments(), 1)
            best = min(best, time.perf_counter() - start)
        points.append((len(c.gates), best))
    xs = [math.log(g) for g, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    source = Path(heurcheck.__file__).resolve().parent.parent
    print(f"{str(source):<32}" + "".join(f"{g:>8} gates {1e6 * t / g:6.2f} us/gate" for g, t in points)
          + f"   b = {b:.2f}", flush=True)


if __name__ == "__main__":
    main()
